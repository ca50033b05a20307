"""A fifth labelled redaction corpus, written blind to the redactor's rules and to the other corpora (issue 15).

Run: ``uv run python bench/redact_corpus_fifth.py`` (prints the counts); measured by
``uv run python bench/redact_quality.py --corpus fifth [--kinds K]``.

Its breadth is in the *shapes* agents see text in: Claude Code's Read tool output (``    12→``),
``cat -n``, ``grep -rn`` hits, ``git diff``/``git show`` hunks, truncated and ANSI-coloured tool output,
language reprs (Python, Ruby, JS, Go, Rust, Java, PHP), logfmt and JSON app logs, SQL, LDIF, Windows
and Apple formats, framework configs, ``docker inspect``/``kubectl``/``helm``/``terraform`` dumps,
notebook JSON, HTTP and mail headers, and chat messages quoting a pasted value. Negatives are the hard
ones for the same shapes: token-dense text that holds no secret.

Templates are written in ``TEMPLATES`` below, one after an ``@@@ <context> <kind>`` header line. Inside a
template a slot ``«name:generator»`` is filled with a random value at run time (``«name»`` repeats it,
``«name=fn(a,b)»`` derives one from earlier slots, ``«!name:generator»`` defines one without writing it,
and ``|transform`` changes how it is written). Slots named ``s``, ``s1``, ``s2``... are secrets: the text
each one is written as is a planted secret, unless the transform hides it (masking, hashing). No value in
this file is secret-shaped: every provider prefix and every PEM armour line is joined at run time.
"""

# ruff: noqa: E501, W293 - templates read better on one line; a diff's blank context line is a space
from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import string
import urllib.parse
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


# --- random values ------------------------------------------------------------------------------

HEX = "0123456789abcdef"
LOWER = string.ascii_lowercase
UPPER = string.ascii_uppercase
DIGITS = string.digits
ALNUM = string.ascii_letters + string.digits
LOWER_ALNUM = LOWER + DIGITS
UPPER_ALNUM = UPPER + DIGITS
B64 = ALNUM + "+/"
B64URL = ALNUM + "-_"
BECH32 = "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"
CONSONANTS = "bcdfghjklmnprstvwxz"
VOWELS = "aeiou"


def _pick(rng: random.Random, alphabet: str, n: int) -> str:
    return "".join(rng.choice(alphabet) for _ in range(n))


def _word(rng: random.Random) -> str:
    """A pronounceable made-up word, so values never collide with the text around them."""
    return "".join(rng.choice(CONSONANTS) + rng.choice(VOWELS) for _ in range(rng.randint(2, 4)))


def _password(rng: random.Random) -> str:
    style = rng.randrange(4)
    if style == 0:
        return rng.choice(UPPER) + _pick(rng, ALNUM + "!#%*-_.+", rng.randint(13, 21))
    if style == 1:
        return _word(rng).capitalize() + _pick(rng, DIGITS, 4) + rng.choice("!#%*.") + _word(rng)
    if style == 2:
        return "-".join(_word(rng) for _ in range(4))
    return rng.choice(LOWER) + _pick(rng, ALNUM, rng.randint(15, 27))


def _url_password(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return rng.choice(ALNUM) + _pick(rng, ALNUM + "-_.~", rng.randint(13, 23))
    return _word(rng).capitalize() + _pick(rng, DIGITS, 4) + _word(rng)


def _b64_of(rng: random.Random, nbytes: int) -> str:
    return base64.b64encode(rng.randbytes(nbytes)).decode()


def _b64url_of(rng: random.Random, nbytes: int) -> str:
    return base64.urlsafe_b64encode(rng.randbytes(nbytes)).decode().rstrip("=")


def _wrap(body: str, width: int = 64) -> list[str]:
    return [body[i : i + width] for i in range(0, len(body), width)]


def _armour(kind: str, lines: list[str]) -> str:
    dashes = "-" * 5
    return "\n".join([f"{dashes}BEGIN {kind}{dashes}", *lines, f"{dashes}END {kind}{dashes}"])


def _private(kind: str) -> str:
    return f"{kind} PRIVATE" + " KEY" if kind else "PRIVATE" + " KEY"


def _pem_rsa(rng: random.Random) -> str:
    return _armour(_private("RSA"), _wrap("MIIEpAIBAAKCAQEA" + _b64_of(rng, 1180)))


def _pem_pkcs8(rng: random.Random) -> str:
    return _armour(
        _private(""), _wrap("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ" + _b64_of(rng, 1180))
    )


def _pem_ec(rng: random.Random) -> str:
    return _armour(_private("EC"), _wrap("MHcCAQEEI" + _b64_of(rng, 111)))


def _openssh(rng: random.Random) -> str:
    body = "b3BlbnNzaC1rZXktdjEAAAAABG5vbmUAAAAEbm9uZQAAAAAAAAABAAAAMwAAAAtzc2gtZW" + _b64_of(rng, 250)
    return _armour(_private("OPENSSH"), _wrap(body, 70))


def _pgp_private(rng: random.Random) -> str:
    lines = ["", *_wrap("lQOYBG" + _b64_of(rng, 700)), "=" + _b64_of(rng, 3)]
    return _armour("PGP " + _private("").replace(" KEY", " KEY BLOCK"), lines)


def _certificate(rng: random.Random) -> str:
    return _armour("CERTIFICATE", _wrap("MIIDdzCCAl+gAwIBAgIE" + _b64_of(rng, 700)))


def _public_pem(rng: random.Random) -> str:
    return _armour(
        "PUBLIC KEY", _wrap("MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEA" + _b64_of(rng, 240) + "IDAQAB")
    )


def _pgp_public(rng: random.Random) -> str:
    lines = ["", *_wrap("mQINBG" + _b64_of(rng, 500)), "=" + _b64_of(rng, 3)]
    return _armour("PGP PUBLIC KEY BLOCK", lines)


def _pgp_signature(rng: random.Random) -> str:
    lines = ["", *_wrap("iQIzBAABCAAdFiEE" + _b64_of(rng, 400)), "=" + _b64_of(rng, 3)]
    return _armour("PGP SIGNATURE", lines)


def _jwt(rng: random.Random, alg: str = "HS256", sig_bytes: int = 32) -> str:
    header = {"alg": alg, "typ": "JWT"}
    payload = {
        "sub": str(rng.randint(10000, 99999999)),
        "iat": rng.randint(1_700_000_000, 1_760_000_000),
        rng.choice(["role", "scope", "name", "email"]): rng.choice(
            ["admin", "read write", _word(rng), _word(rng) + "@example.com"]
        ),
        "exp": rng.randint(1_760_000_000, 1_800_000_000),
    }

    def enc(obj: dict) -> str:
        return base64.urlsafe_b64encode(json.dumps(obj, separators=(",", ":")).encode()).decode().rstrip("=")

    return f"{enc(header)}.{enc(payload)}.{_b64url_of(rng, sig_bytes)}"


def _uuid(rng: random.Random) -> str:
    h = _pick(rng, HEX, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{rng.choice('89ab')}{h[17:20]}-{h[20:]}"


def _ansible_vault(rng: random.Random) -> str:
    return "\n".join(["$ANSIBLE_VAULT;1.1;AES256", *_wrap(_pick(rng, HEX, 400), 80)])


def _sops(rng: random.Random) -> str:
    return f"ENC[AES256_GCM,data:{_b64_of(rng, rng.randint(12, 40))},iv:{_b64_of(rng, 32)},tag:{_b64_of(rng, 16)},type:str]"


# Generators by name. Secret-shaped values join their prefix from parts, so the file holds none.
NAMED: dict[str, Callable[[random.Random], str]] = {
    "pw": _password,
    "pwu": _url_password,
    "word": _word,
    "user": lambda r: rng_user(r),
    "host": lambda r: (
        f"{_word(r)}-{rng_choice(r, ['db', 'api', 'cache', 'mq', 'prod', 'int'])}{r.randint(1, 9)}.{rng_choice(r, ['internal', 'corp.local', 'example.com', 'svc.cluster.local'])}"
    ),
    "ip": lambda r: f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(2, 254)}",
    "port": lambda r: str(r.randint(1025, 65000)),
    "uuid": _uuid,
    "date": lambda r: (
        f"2025-{r.randint(1, 12):02d}-{r.randint(1, 28):02d}T{r.randint(0, 23):02d}:{r.randint(0, 59):02d}:{r.randint(0, 59):02d}Z"
    ),
    "epoch": lambda r: str(r.randint(1_730_000_000, 1_760_000_000)),
    "sha7": lambda r: _pick(r, HEX, 7),
    "sha40": lambda r: _pick(r, HEX, 40),
    "sha64": lambda r: _pick(r, HEX, 64),
    "jwt": _jwt,
    "jwtrs": lambda r: _jwt(r, "RS256", 256),
    "pem_rsa": _pem_rsa,
    "pem_pkcs8": _pem_pkcs8,
    "pem_ec": _pem_ec,
    "openssh": _openssh,
    "pgp_priv": _pgp_private,
    "cert": _certificate,
    "pubpem": _public_pem,
    "pgp_pub": _pgp_public,
    "pgp_sig": _pgp_signature,
    "sshpub": lambda r: "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + _b64_of(r, 32)[:43],
    "sshpub_rsa": lambda r: "ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABgQ" + _b64_of(r, 380),
    "sshfp": lambda r: "SHA256:" + _b64_of(r, 32).rstrip("="),
    "vault_ansible": _ansible_vault,
    "sops": _sops,
    "sealed": lambda r: "AgB" + _b64_of(r, 540),
    "b64img": lambda r: "iVBORw0KGgoAAAANSUhEUgAA" + _b64_of(r, 300),
    "sri": lambda r: "sha512-" + _b64_of(r, 64),
    "gosum": lambda r: "h1:" + _b64_of(r, 32),
    # public identifiers
    "akia": lambda r: "AK" + "IA" + _pick(r, UPPER_ALNUM, 16),
    "asia": lambda r: "AS" + "IA" + _pick(r, UPPER_ALNUM, 16),
    "awsacct": lambda r: _pick(r, DIGITS, 12),
    "twsid": lambda r: "AC" + _pick(r, HEX, 32),
    "gclient": lambda r: f"{_pick(r, DIGITS, 12)}-{_pick(r, LOWER_ALNUM, 32)}.apps.googleusercontent.com",
    "pk_live": lambda r: "pk" + "_live_" + _pick(r, ALNUM, 99),
    "stripe_id": lambda r: (
        rng_choice(r, ["pi_", "cus_", "ch_", "evt_", "sub_", "in_", "price_"]) + _pick(r, ALNUM, 24)
    ),
    "slack_id": lambda r: rng_choice(r, "CUTB") + _pick(r, UPPER_ALNUM, 10),
    "trace": lambda r: f"00-{_pick(r, HEX, 32)}-{_pick(r, HEX, 16)}-01",
    "reqid": lambda r: _pick(r, UPPER_ALNUM, 16),
    "azclient": _uuid,
    # secrets by provider
    "aws_secret": lambda r: _pick(r, B64, 40),
    "aws_session": lambda r: "IQoJb3JpZ2luX2Vj" + _pick(r, B64, 340),
    "ghp": lambda r: "gh" + "p_" + _pick(r, ALNUM, 36),
    "gho": lambda r: "gh" + "o_" + _pick(r, ALNUM, 36),
    "ghs": lambda r: "gh" + "s_" + _pick(r, ALNUM, 36),
    "ghu": lambda r: "gh" + "u_" + _pick(r, ALNUM, 36),
    "ghpat": lambda r: "github" + "_pat_" + _pick(r, UPPER_ALNUM, 22) + "_" + _pick(r, ALNUM, 59),
    "glpat": lambda r: "gl" + "pat-" + _pick(r, B64URL, 20),
    "glrt": lambda r: "gl" + "rt-" + _pick(r, B64URL, 20),
    "gldt": lambda r: "gl" + "dt-" + _pick(r, B64URL, 20),
    "xoxb": lambda r: "xo" + f"xb-{_pick(r, DIGITS, 12)}-{_pick(r, DIGITS, 13)}-{_pick(r, ALNUM, 24)}",
    "xoxp": lambda r: (
        "xo" + f"xp-{_pick(r, DIGITS, 12)}-{_pick(r, DIGITS, 12)}-{_pick(r, DIGITS, 13)}-{_pick(r, HEX, 32)}"
    ),
    "xapp": lambda r: "xa" + f"pp-1-{_pick(r, UPPER_ALNUM, 11)}-{_pick(r, DIGITS, 13)}-{_pick(r, HEX, 64)}",
    "slackhook": lambda r: _pick(r, ALNUM, 24),
    "sk_live": lambda r: "sk" + "_live_" + _pick(r, ALNUM, 99),
    "rk_live": lambda r: "rk" + "_live_" + _pick(r, ALNUM, 99),
    "whsec": lambda r: "wh" + "sec_" + _pick(r, ALNUM, 32),
    "openai": lambda r: "sk" + "-proj-" + _pick(r, B64URL, 156),
    "openai_old": lambda r: "sk" + "-" + _pick(r, ALNUM, 20) + "T3Blbk" + "FJ" + _pick(r, ALNUM, 20),
    "anthropic": lambda r: "sk" + "-ant-api03-" + _pick(r, B64URL, 93) + "AA",
    "aiza": lambda r: "AI" + "za" + _pick(r, B64URL, 35),
    "gocspx": lambda r: "GOC" + "SPX-" + _pick(r, B64URL, 28),
    "ya29": lambda r: "ya" + "29." + _pick(r, B64URL, 160),
    "grefresh": lambda r: "1" + "//0" + _pick(r, B64URL, 100),
    "npm": lambda r: "np" + "m_" + _pick(r, ALNUM, 36),
    "pypi": lambda r: "py" + "pi-AgEIcHlwaS5vcmc" + _pick(r, B64URL, 150),
    "sendgrid": lambda r: "S" + "G." + _pick(r, B64URL, 22) + "." + _pick(r, B64URL, 43),
    "mailgun": lambda r: "ke" + "y-" + _pick(r, HEX, 32),
    "mailchimp": lambda r: _pick(r, HEX, 32) + "-us" + str(r.randint(2, 21)),
    "hex32": lambda r: _pick(r, HEX, 32),
    "shpat": lambda r: "shp" + "at_" + _pick(r, HEX, 32),
    "hf": lambda r: "h" + "f_" + _pick(r, ALNUM, 34),
    "replicate": lambda r: "r8" + "_" + _pick(r, ALNUM, 37),
    "groq": lambda r: "gs" + "k_" + _pick(r, ALNUM, 52),
    "pplx": lambda r: "ppl" + "x-" + _pick(r, ALNUM, 48),
    "xai": lambda r: "xa" + "i-" + _pick(r, ALNUM, 80),
    "dop": lambda r: "do" + "p_v1_" + _pick(r, HEX, 64),
    "linear": lambda r: "lin" + "_api_" + _pick(r, ALNUM, 40),
    "notion": lambda r: "nt" + "n_" + _pick(r, DIGITS, 11) + _pick(r, ALNUM, 35),
    "airtable": lambda r: "pat" + _pick(r, ALNUM, 14) + "." + _pick(r, HEX, 64),
    "telegram": lambda r: f"{r.randint(1_000_000_000, 7_999_999_999)}:AA{_pick(r, B64URL, 33)}",
    "discord": lambda r: (
        base64.b64encode(str(r.randint(10**17, 10**18)).encode()).decode().rstrip("=")
        + "."
        + _pick(r, B64URL, 6)
        + "."
        + _pick(r, B64URL, 38)
    ),
    "hvs": lambda r: "hv" + "s." + _pick(r, B64URL, 90),
    "tfc": lambda r: _pick(r, ALNUM, 14) + ".atlas" + "v1." + _pick(r, ALNUM, 67),
    "pulumi": lambda r: "pu" + "l-" + _pick(r, HEX, 40),
    "atlassian": lambda r: "ATA" + "TT3xFfGF0" + _pick(r, B64URL, 180) + "=" + _pick(r, UPPER_ALNUM, 8),
    "sentry": lambda r: "sntr" + "yu_" + _pick(r, HEX, 64),
    "grafana": lambda r: "gls" + "a_" + _pick(r, ALNUM, 32) + "_" + _pick(r, HEX, 8),
    "newrelic": lambda r: "NRA" + "K-" + _pick(r, UPPER_ALNUM, 27),
    "postman": lambda r: "PMA" + "K-" + _pick(r, HEX, 24) + "-" + _pick(r, HEX, 34),
    "dropbox": lambda r: "sl" + "." + _pick(r, B64URL, 135),
    "figma": lambda r: "fig" + "d_" + _pick(r, B64URL, 40),
    "supabase": lambda r: "sb" + "p_" + _pick(r, HEX, 40),
    "databricks": lambda r: "dap" + "i" + _pick(r, HEX, 32),
    "azkey": lambda r: _b64_of(r, 64),
    "azsig": lambda r: urllib.parse.quote(_b64_of(r, 32), safe=""),
    "azsecret": lambda r: _pick(r, ALNUM, 3) + "8Q~" + _pick(r, ALNUM + "~._-", 34),
    "okta": lambda r: "00" + _pick(r, B64URL, 40),
    "square": lambda r: "EAA" + "A" + _pick(r, B64URL, 60),
    "braintree": lambda r: (
        "access_token" + "$production$" + _pick(r, LOWER_ALNUM, 16) + "$" + _pick(r, HEX, 32)
    ),
    "age": lambda r: "AGE-SECRET" + "-KEY-1" + _pick(r, BECH32, 58),
    "doppler": lambda r: "dp" + ".st.prd." + _pick(r, ALNUM, 40),
    "netlify": lambda r: "nf" + "p_" + _pick(r, ALNUM, 36),
    "an24": lambda r: _pick(r, ALNUM, 24),
    "an32": lambda r: _pick(r, ALNUM, 32),
    "an40": lambda r: _pick(r, ALNUM, 40),
    "an64": lambda r: _pick(r, ALNUM, 64),
    "b64u43": lambda r: _pick(r, B64URL, 43),
    "django": lambda r: "django" + "-insecure-" + _pick(r, LOWER_ALNUM + "!@#%^&*(-_=+)", 50),
    "djangokey": lambda r: _pick(r, LOWER_ALNUM + "!@#%^&*(-_=+)", 50),
    "railskey": lambda r: _pick(r, HEX, 128),
    "laravel": lambda r: "base64:" + _b64_of(r, 32),
    "wpkey": lambda r: _pick(r, ALNUM + "!#%^&*()-_=+[]{};:<>,.?|~`", 64),
    "railscookie": lambda r: _b64_of(r, 120) + "--" + _pick(r, HEX, 40),
    "expresscookie": lambda r: (
        "s%3A" + _pick(r, B64URL, 32) + "." + urllib.parse.quote(_b64_of(r, 32).rstrip("="), safe="")
    ),
    "sessid": lambda r: _pick(r, LOWER_ALNUM, 32),
    "phpsess": lambda r: _pick(r, LOWER_ALNUM, 26),
    "cfkey": lambda r: _pick(r, B64URL, 40),
    "snyk": _uuid,
    "fernet": lambda r: _b64url_of(r, 32) + "=",
    "b64_44": lambda r: _b64_of(r, 32),
    "agepub": lambda r: "age1" + _pick(r, BECH32.lower(), 58),
    "applepw": lambda r: "-".join(_pick(r, LOWER, 4) for _ in range(4)),
    "mgpw": lambda r: f"{_pick(r, HEX, 32)}-{_pick(r, HEX, 8)}-{_pick(r, HEX, 8)}",
    "resend": lambda r: "r" + "e_" + _pick(r, ALNUM, 8) + "_" + _pick(r, ALNUM, 24),
    # AWS's documented example credentials (public, in every AWS doc page)
    "awsexid": lambda r: "AK" + "IA" + "IOSFODNN7" + "EXAMPLE",
    "awsexsecret": lambda r: "wJalrXUtnFEMI/K7MDENG/" + "bPxRfiCY" + "EXAMPLEKEY",
}


def rng_choice(rng: random.Random, seq) -> str:
    return rng.choice(list(seq))


def rng_user(rng: random.Random) -> str:
    return (
        rng.choice(["deploy", "app", "svc_", "ci-", "admin_", "etl", "reporter", "backup_"]) + _word(rng)[:6]
    )


# Parametric generators: an alphabet and a length, as in ``hex32``, ``b64u_43`` or ``HEX40``.
PARAMETRIC = {
    "hex": HEX,
    "HEX": HEX.upper(),
    "an": ALNUM,
    "b64": B64,
    "b64u": B64URL,
    "low": LOWER,
    "up": UPPER_ALNUM,
    "UPPER": UPPER_ALNUM,
    "dig": DIGITS,
    "lan": LOWER_ALNUM,
}


def _generate(rng: random.Random, spec: str) -> str:
    if spec in NAMED:
        return NAMED[spec](rng)
    match = re.fullmatch(r"(b64u|b64|[A-Za-z]+)_?(\d+)", spec)
    if not match or match[1] not in PARAMETRIC:
        raise ValueError(f"unknown generator {spec!r}")
    return _pick(rng, PARAMETRIC[match[1]], int(match[2]))


DERIVED: dict[str, Callable[..., str]] = {
    "b64": lambda a: base64.b64encode(a.encode()).decode(),
    "basic": lambda a, b: base64.b64encode(f"{a}:{b}".encode()).decode(),
    "sha256": lambda a: hashlib.sha256(a.encode()).hexdigest(),
    "urlenc": lambda a: urllib.parse.quote(a, safe=""),
    "hexenc": lambda a: a.encode().hex(),
    "plain": lambda a, b: base64.b64encode(f"\0{a}\0{b}".encode()).decode(),  # SMTP AUTH PLAIN
    "dockercfg": lambda h, a, b: base64.b64encode(
        json.dumps(
            {
                "auths": {
                    h: {"username": a, "password": b, "auth": base64.b64encode(f"{a}:{b}".encode()).decode()}
                }
            }
        ).encode()
    ).decode(),
}


def _lines(value: str, prefix: Callable[[int], str]) -> str:
    return "\n".join(prefix(i) + line for i, line in enumerate(value.split("\n")))


def _transform(value: str, name: str) -> str:
    name, _, arg = name.partition(":")
    n = int(arg) if arg.isdigit() else 0
    if name == "jsonesc":
        return json.dumps(value)[1:-1]
    if name == "b64":
        return base64.b64encode(value.encode()).decode()
    if name == "urlenc":
        return urllib.parse.quote(value, safe="")
    if name == "indent":
        return _lines(value, lambda i: " " * n)
    if name == "hang":  # every line but the first indented
        return _lines(value, lambda i: " " * n if i else "")
    if name == "readtool":  # Claude Code's Read tool: right-aligned line number and an arrow
        return _lines(value, lambda i: f"{n + i:>6}\u2192")
    if name == "catn":
        return _lines(value, lambda i: f"{n + i:>6}\t")
    if name == "plus":
        return _lines(value, lambda i: "+")
    if name == "minus":
        return _lines(value, lambda i: "-")
    if name == "quoted":  # a Java/C# string concatenated line by line
        return _lines(value, lambda i: "").replace("\n", '\\n" +\n    "')
    if name == "mask":
        return value[:4] + "*" * (len(value) - 4)
    if name == "stars":
        return "*" * min(len(value), 16)
    if name == "last4":
        return "*" * 12 + value[-4:]
    if name == "first6":
        return value[:6] + "..."
    if name == "trunc":  # tool output cut mid-value
        return value[: max(12, len(value) * 3 // 5)]
    if name == "sha":
        return hashlib.sha256(value.encode()).hexdigest()
    if name == "upper":
        return value.upper()
    raise ValueError(f"unknown transform {name!r}")


HIDING = {"mask", "stars", "last4", "first6", "sha"}
SLOT = re.compile(r"«(!?)(\w+)(?::(\w+))?(?:=(\w+)\(([\w,]*)\))?((?:\|[\w:]+)*)»")
SECRET_NAME = re.compile(r"s\d*")


def render(template: str, rng: random.Random) -> tuple[str, list[str]]:
    """The template with its slots filled, and the secrets as written in it."""
    values: dict[str, str] = {}
    secrets: list[str] = []

    def fill(match: re.Match[str]) -> str:
        define_only, name, spec, fn, args, transforms = match.groups()
        if spec:
            values[name] = _generate(rng, spec)
        elif fn:
            values[name] = DERIVED[fn](*(values[a] for a in args.split(",")))
        elif name not in values:
            raise ValueError(f"slot {name!r} used before it is set")
        if define_only:
            return ""
        text = values[name]
        names = [t for t in transforms.split("|") if t]
        for t in names:
            text = _transform(text, t)
        hidden = HIDING.intersection(t.partition(":")[0] for t in names)
        if SECRET_NAME.fullmatch(name) and not hidden and text not in secrets:
            secrets.append(text)
        return text

    text = SLOT.sub(fill, template).replace("\u241b", "\x1b")
    return text, secrets


# --- agent-log envelopes: each template is also seen JSON-escaped inside one of these -----------


def _claude_stream(rng: random.Random, text: str) -> str:
    return json.dumps(
        {
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
            "parent_tool_use_id": None,
            "session_id": _uuid(rng),
        }
    )


def _claude_transcript(rng: random.Random, text: str) -> str:
    return json.dumps(
        {
            "parentUuid": _uuid(rng),
            "isSidechain": False,
            "userType": "external",
            "cwd": "/home/dev/" + _word(rng),
            "sessionId": _uuid(rng),
            "version": "2.0.14",
            "gitBranch": "main",
            "type": "user",
            "message": {
                "role": "user",
                "content": [
                    {
                        "tool_use_id": "toolu_01" + _pick(rng, ALNUM, 22),
                        "type": "tool_result",
                        "content": [{"type": "text", "text": text}],
                    }
                ],
            },
            "uuid": _uuid(rng),
            "timestamp": NAMED["date"](rng),
            "toolUseResult": {"stdout": text, "stderr": "", "interrupted": False, "isImage": False},
        }
    )


def _codex_rollout(rng: random.Random, text: str) -> str:
    inner = json.dumps(
        {"output": text, "metadata": {"exit_code": 0, "duration_seconds": round(rng.random() * 3, 1)}}
    )
    return json.dumps(
        {
            "timestamp": NAMED["date"](rng),
            "type": "response_item",
            "payload": {
                "type": "function_call_output",
                "call_id": "call_" + _pick(rng, ALNUM, 24),
                "output": inner,
            },
        }
    )


def _codex_exec(rng: random.Random, text: str) -> str:
    return json.dumps(
        {
            "type": "item.completed",
            "item": {
                "id": f"item_{rng.randint(1, 40)}",
                "type": "command_execution",
                "command": "bash -lc 'cat " + _word(rng) + ".log'",
                "aggregated_output": text,
                "exit_code": 0,
                "status": "completed",
            },
        }
    )


def _mcp_result(rng: random.Random, text: str) -> str:
    return json.dumps(
        {
            "jsonrpc": "2.0",
            "id": rng.randint(1, 500),
            "result": {"content": [{"type": "text", "text": text}], "isError": False},
        }
    )


ENVELOPES = (_claude_stream, _claude_transcript, _codex_rollout, _codex_exec, _mcp_result)


# --- the corpus -----------------------------------------------------------------------------------


def templates() -> list[tuple[str, str, str]]:
    """(context, kind, template) for every template in TEMPLATES."""
    out = []
    for block in re.split(r"^@@@ ", TEMPLATES, flags=re.M)[1:]:
        header, _, body = block.partition("\n")
        context, kind = header.split()
        if context not in CONTEXTS[:-1]:
            raise ValueError(f"unknown context {context!r} in {header!r}")
        out.append((context, kind, body.rstrip("\n")))
    return out


def _split(template: str) -> str:
    return "holdout" if hashlib.sha256(template.encode()).digest()[0] % 3 == 0 else "dev"


def corpus(seed: int = 53, copies: int = 6) -> list[Document]:
    """Each template `copies` times in its own context and `copies` times JSON-escaped in an agent-log line."""
    documents = []
    for index, (context, kind, template) in enumerate(templates()):
        split = _split(template)
        for copy in range(copies):
            rng = random.Random(f"{seed}:{index}:{copy}")
            text, secrets = render(template, rng)
            documents.append(Document(text, secrets, context, kind, split, template))
            rng = random.Random(f"{seed}:{index}:{copy}:json")
            text, secrets = render(template, rng)
            envelope = ENVELOPES[(index + copy) % len(ENVELOPES)]
            documents.append(Document(envelope(rng, text), secrets, "json", kind, split, template))
    return documents


def leaked(secret: str, output: str) -> bool:
    """Whether at least half of the secret (any run of len//2 characters) survives, raw or JSON-escaped once or twice."""
    once = json.dumps(secret)[1:-1]
    for form in {secret, once, json.dumps(once)[1:-1]}:
        n = max(1, len(form) // 2)
        if any(form[i : i + n] in output for i in range(len(form) - n + 1)):
            return True
    return False


TEMPLATES = r"""
@@@ shell set-x-trace-curl-bearer
$ bash -x scripts/deploy.sh staging
+ ENV=staging
+ '[' -z staging ']'
++ cat /run/secrets/deploy_token
+ TOKEN=«s:an40»
+ curl -fsS -H 'Authorization: Bearer «s»' https://deploy.«h:host»/v1/releases -d '{"ref":"«c:sha40»"}'
{"id":"rel_«r:an24»","status":"queued"}
@@@ shell set-x-docker-login
+ echo «s:pw»
+ docker login --username «u:user» --password-stdin registry.«h:host»
WARNING! Your password will be stored unencrypted in /root/.docker/config.json.
Login Succeeded
@@@ shell printenv-grep
$ printenv | grep -iE 'token|key|secret' | sort
ANTHROPIC_API_KEY=«s1:anthropic»
GIT_ASKPASS=/usr/lib/git-core/git-gui--askpass
HF_HUB_ENABLE_HF_TRANSFER=1
HF_TOKEN=«s2:hf»
SSH_AUTH_SOCK=/tmp/ssh-XXXXoQ3c/agent.1234
@@@ shell env-dump-ansi
$ env | grep --color=always -i pass
␛[01;31m␛[KPASS␛[m␛[KWORD_STORE_DIR=/home/dev/.password-store
PG␛[01;31m␛[KPASS␛[m␛[KWORD=«s:pw»
SMTP_␛[01;31m␛[KPASS␛[m␛[K=«s2:pw»
@@@ shell export-history
$ history | tail -5
  501  cd ~/src/billing
  502  export STRIPE_SECRET_KEY=«s:sk_live»
  503  stripe listen --forward-to localhost:4242/webhook
  504  export STRIPE_WEBHOOK_SECRET=«s2:whsec»
  505  npm run dev
@@@ shell mysql-cli-password
$ mysql -h «h:host» -u «u:user» -p«s:pw» -e 'SELECT COUNT(*) FROM orders'
mysql: [Warning] Using a password on the command line interface can be insecure.
+----------+
| COUNT(*) |
+----------+
|    48213 |
+----------+
@@@ shell ps-aux-leak
$ ps aux | grep -v grep | grep pg_dump
postgres  31337  2.1  0.4 223344 81220 ?  S  10:02  0:01 pg_dump --dbname=postgresql://«u:user»:«s:pwu»@«h:host»:5432/ledger -Fc -f /backups/ledger.dump
@@@ shell sshpass-rsync
$ sshpass -p '«s:pw»' rsync -avz -e 'ssh -p 2222' ./dist/ «u:user»@«ip:ip»:/var/www/html/
sending incremental file list
./
index.html
assets/app.«d:sha7».js
@@@ shell cmdkey-windows
PS C:\build> cmdkey /generic:TERMSRV/«h:host» /user:CORP\«u:user» /pass:«s:pw»
CMDKEY: Credential added successfully.
@@@ shell powershell-pscredential
PS> $secure = ConvertTo-SecureString '«s:pw»' -AsPlainText -Force
PS> $cred = New-Object System.Management.Automation.PSCredential ('CORP\«u:user»', $secure)
PS> Invoke-Command -ComputerName «h:host» -Credential $cred -ScriptBlock { Get-Service W3SVC }
@@@ shell git-credential-fill
$ printf 'protocol=https\nhost=github.com\n\n' | git credential fill
protocol=https
host=github.com
username=«u:user»
password=«s:gho»
@@@ shell git-remote-v-token
$ git remote -v
origin	https://x-access-token:«s:ghs»@github.com/acme/«w:word».git (fetch)
origin	https://x-access-token:«s»@github.com/acme/«w».git (push)
@@@ shell cat-git-credentials
$ cat ~/.git-credentials
https://«u:user»:«s:ghp»@github.com
https://oauth2:«s2:glpat»@gitlab.«h:host»
@@@ shell netrc
$ cat -A ~/.netrc | sed 's/\$$//'
machine api.heroku.com
  login «u:user»@example.com
  password «s:uuid»
machine git.heroku.com
  login «u»@example.com
  password «s»
@@@ shell pgpass
$ cat ~/.pgpass
# hostname:port:database:username:password
«h:host»:5432:analytics:«u:user»:«s:pw»
localhost:5432:*:postgres:«s2:pw»
@@@ shell aws-configure-cat
$ cat ~/.aws/credentials
[default]
aws_access_key_id = «a:akia»
aws_secret_access_key = «s:aws_secret»

[prod-admin]
aws_access_key_id = «a2:akia»
aws_secret_access_key = «s2:aws_secret»
@@@ shell aws-sts-output
$ aws sts assume-role --role-arn arn:aws:iam::«n:awsacct»:role/deployer --role-session-name ci
{
    "Credentials": {
        "AccessKeyId": "«a:asia»",
        "SecretAccessKey": "«s:aws_secret»",
        "SessionToken": "«s2:aws_session»",
        "Expiration": "«t:date»"
    },
    "AssumedRoleUser": {
        "AssumedRoleId": "AROA«r:up17»:ci",
        "Arn": "arn:aws:sts::«n»:assumed-role/deployer/ci"
    }
}
@@@ shell export-aws-eval
$ eval "$(aws configure export-credentials --profile sso-dev --format env)" && env | grep ^AWS_
AWS_ACCESS_KEY_ID=«a:asia»
AWS_SECRET_ACCESS_KEY=«s:aws_secret»
AWS_SESSION_TOKEN=«s2:aws_session»
AWS_CREDENTIAL_EXPIRATION=«t:date»
@@@ shell gh-auth-token
$ gh auth token
«s:gho»
$ gh api user --jq .login
«u:user»
@@@ shell kubectl-create-secret-cmd
$ kubectl create secret generic db-creds --from-literal=username=«u:user» --from-literal=password='«s:pw»' -n payments --dry-run=client -o yaml
apiVersion: v1
data:
  password: «s2=b64(s)»
  username: «u2=b64(u)»
kind: Secret
metadata:
  creationTimestamp: null
  name: db-creds
  namespace: payments
@@@ shell kubectl-get-secret-jsonpath
$ kubectl get secret grafana-admin -n monitoring -o jsonpath='{.data.admin-password}' | base64 -d; echo
«s:pw»
@@@ shell vault-kv-get
$ vault kv get -mount=secret apps/checkout
======= Secret Path =======
secret/data/apps/checkout

======= Metadata =======
Key                Value
---                -----
created_time       «t:date»
version            7

====== Data ======
Key               Value
---               -----
braintree_key     «s:braintree»
db_password       «s2:pw»
@@@ shell vault-login-token
$ vault login -method=userpass username=«u:user»
Password (will be hidden):
Success! You are now authenticated. The token information displayed below
is already stored in the token helper.

Key                    Value
---                    -----
token                  «s:hvs»
token_accessor         «a:an24»
token_duration         768h
token_policies         ["default" "deployer"]
@@@ shell heroku-config
$ heroku config -a «w:word»-prod
=== «w»-prod Config Vars
DATABASE_URL:        postgres://«u:lan14»:«s:hex64»@ec2-«ip:dig3»-«d:dig2».compute-1.amazonaws.com:5432/«n:lan14»
REDIS_URL:           rediss://:«s2:hex64»@ec2-«ip»-«d».compute-1.amazonaws.com:16379
SENDGRID_API_KEY:    «s3:sendgrid»
@@@ shell doppler-secrets-download
$ doppler secrets download --no-file --format env
DOPPLER_CONFIG="prd"
DOPPLER_ENVIRONMENT="prd"
DOPPLER_PROJECT="«w:word»"
MAILCHIMP_API_KEY="«s:mailchimp»"
SUPABASE_SERVICE_ROLE_KEY="«s2:jwt»"
@@@ shell docker-run-env
$ docker run -d --name pg -e POSTGRES_USER=«u:user» -e POSTGRES_PASSWORD=«s:pw» -p 5432:5432 postgres:16
«c:sha64»
@@@ shell docker-inspect-env
$ docker inspect --format '{{json .Config.Env}}' api | jq -r '.[]'
PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
NODE_ENV=production
JWT_SECRET=«s:an64»
MONGO_URL=mongodb://«u:user»:«s2:pwu»@mongo-0.mongo:27017/app?authSource=admin
@@@ shell npm-config-list
$ npm config list
; "user" config from /home/dev/.npmrc

//registry.npmjs.org/:_authToken = "«s:npm»"
@acme:registry = "https://npm.pkg.github.com/"
//npm.pkg.github.com/:_authToken = "«s2:ghp»"

; node bin location = /usr/local/bin/node
@@@ shell twine-upload-env
$ TWINE_USERNAME=__token__ TWINE_PASSWORD=«s:pypi» twine upload dist/*
Uploading distributions to https://upload.pypi.org/legacy/
Uploading «w:word»-1.4.0-py3-none-any.whl
@@@ shell curl-v-basic
$ curl -v -u «u:user»:«s:pw» https://jenkins.«h:host»/api/json
*   Trying «ip:ip»:443...
* Connected to jenkins.«h» («ip») port 443
* Server auth using Basic with user '«u»'
> GET /api/json HTTP/2
> Host: jenkins.«h»
> Authorization: Basic «s2=basic(u,s)»
> User-Agent: curl/8.5.0
>
< HTTP/2 200
@@@ shell curl-v-api-key-header
$ curl -sv https://api.openai.com/v1/models -H "Authorization: Bearer «s:openai»" 2>&1 | head -20
* Host api.openai.com:443 was resolved.
> GET /v1/models HTTP/2
> Host: api.openai.com
> authorization: Bearer «s»
> accept: */*
< HTTP/2 200
< openai-organization: org-«o:an24»
< x-request-id: req_«r:hex32»
@@@ shell httpie-verbose
$ http -v POST https://api.«h:host»/v2/charges amount:=1200 X-API-Key:«s:an40»
POST /v2/charges HTTP/1.1
Accept: application/json, */*;q=0.5
Content-Type: application/json
Host: api.«h»
User-Agent: HTTPie/3.2.2
X-API-Key: «s»

{
    "amount": 1200
}
@@@ shell wget-header
$ wget --header="PRIVATE-TOKEN: «s:glpat»" -O artifacts.zip "https://gitlab.«h:host»/api/v4/projects/42/jobs/artifacts/main/download?job=build"
--2025-03-02 10:11:12--  https://gitlab.«h»/api/v4/projects/42/jobs/artifacts/main/download?job=build
HTTP request sent, awaiting response... 200 OK
@@@ shell redis-cli-auth
$ redis-cli -h «h:host» -p 6380 --tls -a '«s:pw»' INFO keyspace
Warning: Using a password with '-a' or '-u' option on the command line interface may not be safe.
# Keyspace
db0:keys=18233,expires=1022,avg_ttl=0
@@@ shell mongosh-uri
$ mongosh "mongodb+srv://«u:user»:«s:pwu»@cluster0.«w:lan5».mongodb.net/inventory" --eval 'db.items.countDocuments()'
Current Mongosh Log ID:	«m:hex24»
Connecting to:		mongodb+srv://<credentials>@cluster0.«w».mongodb.net/inventory
4412
@@@ shell psql-conn-env
$ PGPASSWORD='«s:pw»' psql -h «h:host» -U «u:user» -d reporting -c '\dt'
            List of relations
 Schema |   Name    | Type  | Owner
--------+-----------+-------+-------
 public | invoices  | table | «u»
@@@ shell cqlsh
$ cqlsh «ip:ip» 9042 -u «u:user» -p «s:pw» -e "DESCRIBE KEYSPACES"
system_auth  system_schema  telemetry  system_distributed  system  system_traces
@@@ shell clickhouse-client
$ clickhouse-client --host «h:host» --secure --user «u:user» --password «s:pw» --query "SELECT version()"
24.3.2.23
@@@ shell snowsql
$ SNOWSQL_PWD=«s:pw» snowsql -a «a:lan8»-«b:lan7» -u «u:user» -q 'select current_warehouse()'
* SnowSQL * v1.2.32
Type SQL statements or !help
+---------------------+
| CURRENT_WAREHOUSE() |
|---------------------|
| COMPUTE_WH          |
+---------------------+
@@@ shell rabbitmqctl
$ rabbitmqctl add_user «u:user» '«s:pw»'
Adding user "«u»" ...
Done. Don't forget to grant the user permissions to some virtual hosts! See 'rabbitmqctl help set_permissions' to learn more.
@@@ shell nats-creds-cat
$ cat ~/.local/share/nats/nsc/keys/creds/acme/app/«u:user».creds
-----BEGIN NATS USER JWT-----
«s2:jwt»
------END NATS USER JWT------

************************* IMPORTANT *************************
NKEY Seed printed below can be used to sign and prove identity.
NKEYs are sensitive and should be treated as secrets.

-----BEGIN USER NKEY SEED-----
SU«s:up56»
------END USER NKEY SEED------
@@@ shell htpasswd-b
$ htpasswd -b -c /etc/nginx/.htpasswd «u:user» «s:pw»
Adding password for user «u»
@@@ shell openssl-genrsa-stdout
$ openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 2>/dev/null | tee /dev/stderr | openssl pkey -pubout -out pub.pem
«s:pem_pkcs8»
@@@ shell cat-id-ed25519
$ cat ~/.ssh/id_ed25519
«s:openssh»
$ cat ~/.ssh/id_ed25519.pub
«p:sshpub» «u:user»@laptop
@@@ shell gpg-export-secret
$ gpg --armor --export-secret-keys «f:HEX40»
«s:pgp_priv»
@@@ shell az-sp-create
$ az ad sp create-for-rbac --name ci-deployer --role Contributor --scopes /subscriptions/«sub:uuid»
Creating 'Contributor' role assignment under scope '/subscriptions/«sub»'
{
  "appId": "«a:uuid»",
  "displayName": "ci-deployer",
  "password": "«s:azsecret»",
  "tenant": "«t:uuid»"
}
@@@ shell az-storage-keys
$ az storage account keys list -g rg-data -n «w:lan10»st --query "[].{name:keyName, value:value}" -o table
Name    Value
------  ----------------------------------------------------------------------------------------
key1    «s:azkey»
key2    «s2:azkey»
@@@ shell gcloud-print-token
$ gcloud auth print-access-token
«s:ya29»
@@@ shell gcloud-sa-key-cat
$ cat /tmp/sa-key.json | jq '{type, project_id, client_email, private_key_id}' && grep -c PRIVATE /tmp/sa-key.json
{
  "type": "service_account",
  "project_id": "«w:word»-prod",
  "client_email": "ci@«w»-prod.iam.gserviceaccount.com",
  "private_key_id": "«k:sha40»"
}
1
$ jq -r .private_key /tmp/sa-key.json
«s:pem_pkcs8»
@@@ shell terraform-output-raw
$ terraform output -raw db_admin_password
«s:pw»
$ terraform output -json | jq -r '.api_gateway_key.value'
«s2:an40»
@@@ shell helm-install-set
$ helm upgrade --install keycloak bitnami/keycloak -n auth --set auth.adminUser=«u:user» --set auth.adminPassword='«s:pw»' --set postgresql.auth.password=«s2:pwu»
Release "keycloak" has been upgraded. Happy Helming!
NAME: keycloak
@@@ shell pulumi-config-show-secrets
$ pulumi config --show-secrets
KEY                     VALUE
aws:region              eu-west-1
app:dbPassword          «s:pw»
app:stripeKey           «s2:sk_live»
app:replicas            3
@@@ shell ansible-playbook-extra-vars
$ ansible-playbook -i inventories/prod site.yml -e "ansible_become_password=«s:pw» mysql_root_password=«s2:pw»" --limit db
PLAY [databases] ****************************************************************
TASK [Gathering Facts] **********************************************************
ok: [«h:host»]
@@@ shell salt-pillar-items
$ salt 'web*' pillar.item mysql
web01.«h:host»:
    ----------
    mysql:
        ----------
        password:
            «s:pw»
        user:
            «u:user»
@@@ shell nomad-var-get
$ nomad var get nomad/jobs/api
Namespace   = default
Path        = nomad/jobs/api
Create Time = «t:date»

Items
db_password = «s:pw»
api_key     = «s2:an32»
@@@ shell cf-set-env
$ cf set-env billing-api BRAINTREE_PRIVATE_KEY «s:hex32»
Setting env variable BRAINTREE_PRIVATE_KEY for app billing-api in org acme / space prod as «u:user»@example.com...
OK
TIP: Use 'cf restage billing-api' to ensure your env variable changes take effect
@@@ shell fly-secrets-set
$ fly secrets set DATABASE_URL=postgres://postgres:«s:pwu»@«w:word»-db.flycast:5432 SESSION_SECRET=«s2:hex64» -a «w»
Updating existing machines in '«w»' with rolling strategy
@@@ shell gh-secret-set
$ echo -n "«s:npm»" | gh secret set NPM_TOKEN --repo acme/«w:word»
✓ Set Actions secret NPM_TOKEN for acme/«w»
@@@ shell wrangler-secret
$ echo «s:cfkey» | npx wrangler secret put CF_API_TOKEN
🌀 Creating the secret for the Worker "«w:word»"
✨ Success! Uploaded secret CF_API_TOKEN
@@@ shell grep-rn-hits
$ grep -rn "api_key\|apikey" --include=*.py .
./scripts/backfill.py:14:API_KEY = "«s:an32»"  # TODO move to env
./app/clients/weather.py:9:    def __init__(self, api_key: str | None = None):
./app/clients/weather.py:10:        self.api_key = api_key or os.environ["WEATHER_API_KEY"]
@@@ shell rg-hits-json-config
$ rg -n "secret" config/
config/production.json
12:    "clientSecret": "«s:gocspx»",
13:    "secretRef": "projects/«w:word»/secrets/oauth/versions/latest",
@@@ shell git-log-p-env
$ git log -p -1 -- .env
commit «c:sha40»
Author: «u:user» <«u»@example.com>
Date:   Tue Mar 4 10:12:55 2025 +0100

    chore: local env

diff --git a/.env b/.env
new file mode 100644
index 0000000..«d:sha7»
--- /dev/null
+++ b/.env
@@ -0,0 +1,3 @@
+DATABASE_URL=postgres://«u»:«s:pwu»@localhost:5432/dev
+OPENAI_API_KEY=«s2:openai»
+DEBUG=true
@@@ shell git-show-removed-key
$ git show «c:sha7» -- config/settings.py
commit «c2:sha40»
Author: «u:user» <«u»@example.com>

    security: read mailgun key from env

diff --git a/config/settings.py b/config/settings.py
index «d:sha7»..«e:sha7» 100644
--- a/config/settings.py
+++ b/config/settings.py
@@ -40,7 +40,7 @@ EMAIL_BACKEND = "anymail.backends.mailgun.EmailBackend"
 ANYMAIL = {
-    "MAILGUN_API_KEY": "«s:mailgun»",
+    "MAILGUN_API_KEY": os.environ["MAILGUN_API_KEY"],
     "MAILGUN_SENDER_DOMAIN": "mg.example.com",
 }
@@@ shell git-diff-pem-added
$ git diff --cached deploy/keys/
diff --git a/deploy/keys/deploy_key b/deploy/keys/deploy_key
new file mode 100600
index 0000000..«d:sha7»
--- /dev/null
+++ b/deploy/keys/deploy_key
@@ -0,0 +1,27 @@
«s:pem_rsa|plus»
@@@ shell sed-n-excerpt
$ sed -n '18,24p' docker-compose.yml
  db:
    image: mariadb:11
    environment:
      MARIADB_ROOT_PASSWORD: «s:pw»
      MARIADB_DATABASE: shop
      MARIADB_USER: «u:user»
      MARIADB_PASSWORD: «s2:pw»
@@@ shell head-log-with-token
$ head -n 6 /var/log/«w:word»/worker.log
2025-03-01 08:00:01,221 INFO  worker: starting 4 processes
2025-03-01 08:00:01,402 DEBUG http: GET https://api.«h:host»/v1/jobs?access_token=«s:an40»&limit=50
2025-03-01 08:00:01,733 DEBUG http: 200 OK (331 ms)
2025-03-01 08:00:02,010 INFO  worker: 12 jobs claimed
@@@ shell tail-truncated-token
$ tail -c 300 /var/log/sync/agent.log
...ync] refreshed credentials for tenant «t:uuid»
[sync] using token «s:ghpat|trunc»
@@@ shell xcrun-altool
$ xcrun altool --upload-app -f build/«w:word».ipa -t ios -u «u:user»@example.com -p «s:applepw»
No errors uploading 'build/«w».ipa'
@@@ shell security-find-generic-w
$ security find-generic-password -s "«w:word»-api" -a «u:user» -w
«s:an40»
@@@ shell mc-alias-set
$ mc alias set minio https://minio.«h:host» «a:up20» «s:b64u40»
Added `minio` successfully.
$ mc ls minio/backups | tail -2
@@@ shell rclone-config-show
$ rclone config show b2
[b2]
type = b2
account = «a:hex12»
key = K«s:b64u30»
hard_delete = true
@@@ shell restic-env
$ RESTIC_PASSWORD='«s:pw»' RESTIC_REPOSITORY=s3:s3.amazonaws.com/«w:word»-backups restic snapshots --last
repository 4f2a9b1c opened (version 2, compression level auto)
ID        Time                 Host        Tags
@@@ shell openvpn-auth-file
$ sudo cat /etc/openvpn/client/auth.txt
«u:user»
«s:pw»
@@@ shell wpa-supplicant
$ sudo cat /etc/wpa_supplicant/wpa_supplicant.conf
ctrl_interface=DIR=/var/run/wpa_supplicant GROUP=netdev
network={
    ssid="«w:word»-office"
    psk="«s:pw»"
    key_mgmt=WPA-PSK
}
@@@ shell nmcli-show-secrets
$ nmcli --show-secrets connection show office-wifi | grep -E 'ssid|psk'
802-11-wireless.ssid:                   «w:word»-5G
802-11-wireless-security.psk:           «s:pw»
802-11-wireless-security.psk-flags:     0 (none)
@@@ shell smbclient
$ smbclient //fs01.«h:host»/finance -U 'CORP\«u:user»%«s:pw»' -c 'ls'
  .                                   D        0  Mon Mar  3 09:12:01 2025
  Q1-forecast.xlsx                    A   88213  Fri Feb 28 17:40:44 2025
@@@ shell mount-cifs
$ sudo mount -t cifs //nas/media /mnt/media -o username=«u:user»,password=«s:pw»,uid=1000
@@@ shell ldapsearch-w
$ ldapsearch -x -H ldaps://ldap.«h:host» -D "cn=«u:user»,ou=svc,dc=corp,dc=local" -w '«s:pw»' -b "ou=people,dc=corp,dc=local" "(uid=jdoe)" mail
# extended LDIF
dn: uid=jdoe,ou=people,dc=corp,dc=local
mail: jdoe@corp.local
@@@ shell java-keytool-storepass
$ keytool -importkeystore -srckeystore release.p12 -srcstoretype PKCS12 -srcstorepass «s:pw» -destkeystore release.jks -deststorepass «s2:pw»
Importing keystore release.p12 to release.jks...
Entry for alias upload successfully imported.
@@@ shell openssl-passin
$ openssl pkcs12 -in client.p12 -nodes -passin pass:«s:pw» -out client.pem
MAC verified OK
@@@ shell pip-index-url-token
$ pip install --index-url https://__token__:«s:glpat»@gitlab.«h:host»/api/v4/projects/311/packages/pypi/simple acme-utils==2.3.1
Looking in indexes: https://__token__:****@gitlab.«h»/api/v4/projects/311/packages/pypi/simple
Collecting acme-utils==2.3.1
@@@ shell poetry-config-http-basic
$ poetry config http-basic.private «u:user» «s:pw»
$ cat ~/.config/pypoetry/auth.toml
[http-basic.private]
username = "«u»"
password = "«s»"
@@@ shell cargo-credentials
$ cat ~/.cargo/credentials.toml
[registry]
token = "cio«s:an32»"
@@@ shell gem-credentials
$ cat ~/.gem/credentials
---
:rubygems_api_key: rubygems_«s:hex48»
@@@ shell composer-auth
$ composer config --global --auth http-basic.repo.packagist.com token «s:hex40»
$ cat ~/.config/composer/auth.json
{
    "http-basic": {
        "repo.packagist.com": {
            "username": "token",
            "password": "«s»"
        }
    }
}
@@@ shell nuget-add-source
PS> dotnet nuget add source https://pkgs.dev.azure.com/acme/_packaging/feed/nuget/v3/index.json -n acme -u «u:user» -p «s:lan52» --store-password-in-clear-text
Package source with Name: acme added successfully.
@@@ shell set-windows-cmd
C:\agent\_work\1\s>set
ALLUSERSPROFILE=C:\ProgramData
BUILD_BUILDID=8812
COMPUTERNAME=BUILD-«n:up6»
SONAR_TOKEN=squ_«s:hex40»
SYSTEM_ACCESSTOKEN=«s2:lan52»
TEMP=C:\Users\VSSADM~1\AppData\Local\Temp
@@@ shell powershell-get-childitem-env
PS> Get-ChildItem Env: | Where-Object Name -like '*KEY*' | Format-Table -AutoSize

Name                 Value
----                 -----
AZURE_OPENAI_KEY     «s:hex32»
OPENAI_API_KEY       «s2:openai_old»
@@@ shell fish-set-x
$ set -gx NOTION_TOKEN «s:notion»
$ set -S NOTION_TOKEN
$NOTION_TOKEN: set in global scope, exported, with 1 elements
$NOTION_TOKEN[1]: |«s»|
@@@ shell direnv-allow-export
$ cat .envrc
export LINEAR_API_KEY=«s:linear»
export DIGITALOCEAN_TOKEN=«s2:dop»
use flake
$ direnv allow
direnv: loading ~/src/infra/.envrc
direnv: export +DIGITALOCEAN_TOKEN +LINEAR_API_KEY ~PATH
@@@ shell psql-alter-role
$ psql -U postgres -c "ALTER ROLE «u:user» WITH LOGIN PASSWORD '«s:pw»';"
ALTER ROLE
@@@ shell make-deploy-echo
$ make deploy
docker build -t registry.«h:host»/web:«c:sha7» .
echo "«s:pw»" | docker login registry.«h» -u «u:user» --password-stdin
Login Succeeded
docker push registry.«h»/web:«c»
@@@ shell strace-write-leak
$ strace -f -e trace=write -s 200 ./sync 2>&1 | grep -m2 Authorization
[pid 40112] write(7, "GET /v1/files HTTP/1.1\r\nHost: api.dropboxapi.com\r\nAuthorization: Bearer «s:dropbox»\r\n", 200) = 200
@@@ shell tcpdump-ascii
$ sudo tcpdump -A -i lo port 8080 -c 4 | grep -a -A1 Cookie
Cookie: sessionid=«s:sessid»; csrftoken=«c:an32»
Connection: keep-alive
@@@ shell jq-secret-json
$ jq '.integrations.slack' config.json
{
  "bot_token": "«s:xoxb»",
  "app_token": "«s2:xapp»",
  "channel": "«c:slack_id»"
}
@@@ shell ssh-keygen-passphrase
$ ssh-keygen -t ed25519 -N '«s:pw»' -f ~/.ssh/deploy_«w:word» -C deploy@ci
Generating public/private ed25519 key pair.
Your identification has been saved in /home/ci/.ssh/deploy_«w»
Your public key has been saved in /home/ci/.ssh/deploy_«w».pub
The key fingerprint is:
«f:sshfp» deploy@ci
@@@ shell age-keygen
$ age-keygen -o key.txt && cat key.txt
Public key: «p:agepub»
# created: «t:date»
# public key: «p»
«s:age»
@@@ shell sentry-cli-login
$ sentry-cli info
Sentry Server: https://sentry.io
Default Organization: acme
Default Project: web

Authentication Info:
  Method: Auth Token
  Token: «s:sentry»
@@@ shell newrelic-cli-profile
$ newrelic profile list
Name      Region  API key                           Account ID  License key
default   US      «s:newrelic»    «n:dig7»     «s2:hex40»
@@@ shell databricks-cfg
$ cat ~/.databrickscfg
[DEFAULT]
host  = https://adb-«n:dig16».2.azuredatabricks.net
token = «s:databricks»
@@@ shell neg-aws-configure-list
$ aws configure list
      Name                    Value             Type    Location
      ----                    -----             ----    --------
   profile                <not set>             None    None
access_key     ****************«a:up4»      shared-credentials-file
secret_key     ****************«b:b64u4»      shared-credentials-file
    region                eu-central-1      config-file    ~/.aws/config
@@@ shell neg-aws-sts-caller
$ aws sts get-caller-identity
{
    "UserId": "AIDA«u:up17»",
    "Account": "«n:awsacct»",
    "Arn": "arn:aws:iam::«n»:user/«w:user»"
}
@@@ shell neg-aws-iam-list-keys
$ aws iam list-access-keys --user-name «w:user»
{
    "AccessKeyMetadata": [
        {
            "UserName": "«w»",
            "AccessKeyId": "«a:akia»",
            "Status": "Active",
            "CreateDate": "«t:date»"
        }
    ]
}
@@@ shell neg-gh-auth-status
$ gh auth status
github.com
  ✓ Logged in to github.com account «u:user» (keyring)
  - Active account: true
  - Git operations protocol: https
  - Token: gho_************************************
  - Token scopes: 'gist', 'read:org', 'repo', 'workflow'
@@@ shell neg-kubectl-get-secrets
$ kubectl get secrets -n payments
NAME                          TYPE                                  DATA   AGE
db-creds                      Opaque                                2      41d
stripe-api-key                Opaque                                1      41d
sh.helm.release.v1.api.v12    helm.sh/release.v1                    1      3d2h
tls-«w:word»-«d:lan5»              kubernetes.io/tls                     2      88d
regcred                       kubernetes.io/dockerconfigjson        1      120d
@@@ shell neg-kubectl-describe-secret
$ kubectl describe secret db-creds -n payments
Name:         db-creds
Namespace:    payments
Labels:       app.kubernetes.io/managed-by=Helm
Annotations:  meta.helm.sh/release-name: api

Type:  Opaque

Data
====
password:  24 bytes
username:  11 bytes
@@@ shell neg-docker-images-digests
$ docker images --digests | head -4
REPOSITORY          TAG       DIGEST                                                                    IMAGE ID       CREATED        SIZE
postgres            16        sha256:«d:sha64»   «i:hex12»   2 weeks ago    432MB
ghcr.io/acme/api    «c:sha7»   sha256:«d2:sha64»   «i2:hex12»   3 hours ago    211MB
@@@ shell neg-docker-ps
$ docker ps --no-trunc --format '{{.ID}} {{.Image}} {{.Names}}'
«c:sha64» redis:7-alpine «w:word»_cache_1
«c2:sha64» «w»-api:latest «w»_api_1
@@@ shell neg-sha256sum
$ sha256sum dist/*
«a:sha64»  dist/«w:word»-2.1.0-py3-none-any.whl
«b:sha64»  dist/«w»-2.1.0.tar.gz
$ gpg --verify dist/«w»-2.1.0.tar.gz.asc
gpg: Good signature from "Release Bot <release@example.com>" [ultimate]
@@@ shell neg-ssh-keygen-l
$ ssh-keygen -lf ~/.ssh/id_ed25519.pub
256 «f:sshfp» «u:user»@laptop (ED25519)
$ ssh-add -l
256 «f» «u»@laptop (ED25519)
3072 «f2:sshfp» deploy@ci (RSA)
@@@ shell neg-cat-pubkey
$ cat ~/.ssh/id_ed25519.pub ~/.ssh/authorized_keys
«p:sshpub» «u:user»@laptop
«p2:sshpub_rsa» ci@build-01
@@@ shell neg-known-hosts
$ ssh-keyscan -t ed25519 github.com 2>/dev/null
github.com «p:sshpub»
$ head -2 ~/.ssh/known_hosts
|1|«h:b64_27»=|«h2:b64_27»= ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI«k:b64_43»
@@@ shell neg-git-log-oneline
$ git log --oneline --decorate -5
«a:sha7» (HEAD -> main, origin/main) fix(auth): rotate refresh tokens on password change
«b:sha7» feat(api): add /v1/tokens endpoint to list personal access tokens
«c:sha7» chore(deps): bump jsonwebtoken from 9.0.0 to 9.0.2
«d:sha7» docs: explain how to set STRIPE_SECRET_KEY locally
«e:sha7» test: cover expired session cookies
@@@ shell neg-git-cat-file
$ git cat-file -p HEAD
tree «t:sha40»
parent «p:sha40»
author «u:user» <«u»@example.com> «e:epoch» +0100
committer «u» <«u»@example.com> «e» +0100
gpgsig «g:pgp_sig|hang:1»

 Rotate API key naming in settings
@@@ shell neg-gpg-list-keys
$ gpg --list-secret-keys --keyid-format=long
/home/dev/.gnupg/pubring.kbx
----------------------------
sec   ed25519/«k:HEX16» 2024-02-11 [SC] [expires: 2026-02-10]
      «f:HEX40»
uid                 [ultimate] Dev Example <dev@example.com>
ssb   cv25519/«k2:HEX16» 2024-02-11 [E]
@@@ shell neg-openssl-x509
$ openssl x509 -in server.crt -noout -subject -issuer -serial -fingerprint -sha256
subject=CN = api.«h:host»
issuer=C = US, O = Let's Encrypt, CN = R11
serial=«sn:HEX36»
sha256 Fingerprint=«f:HEX2»:«f2:HEX2»:«f3:HEX2»:«f4:HEX2»:«f5:HEX2»:«f6:HEX2»:«f7:HEX2»:«f8:HEX2»:«f9:HEX2»:«f10:HEX2»:«f11:HEX2»:«f12:HEX2»
@@@ shell neg-openssl-pubkey
$ openssl rsa -in key.pem -pubout 2>/dev/null
writing RSA key
«p:pubpem»
@@@ shell neg-env-masked
$ env | grep -i -E 'token|secret|pass'
GITHUB_TOKEN=***
NPM_TOKEN=***
DB_PASSWORD_FILE=/run/secrets/db_password
VAULT_TOKEN_PATH=/var/run/secrets/vault/token
SECRET_KEY_BASE_DUMMY=1
@@@ shell neg-printenv-refs
$ printenv | grep -E '_(KEY|TOKEN|SECRET)'
SSH_KEY_PATH=/home/ci/.ssh/id_ed25519
AWS_KMS_KEY_ID=«k:uuid»
SOPS_KMS_ARN=arn:aws:kms:eu-west-1:«n:awsacct»:key/«k»
CI_JOB_TOKEN_SCOPE=project
OP_SERVICE_ACCOUNT_TOKEN_REF=op://ci/service-account/credential
@@@ shell neg-set-x-references
+ source ./env.sh
++ export 'DB_PASSWORD=${DB_PASSWORD:?missing}'
++ export API_KEY_FILE=/run/secrets/api_key
+ API_KEY=$(cat "$API_KEY_FILE")
+ curl -fsS -H "Authorization: Bearer ${API_KEY}" https://api.«h:host»/health
ok
@@@ shell neg-help-text
$ docker login --help

Usage:  docker login [OPTIONS] [SERVER]

Authenticate to a registry.
Defaults to Docker Hub if no server is specified.

Options:
  -p, --password string   Password
      --password-stdin    Take the password from stdin
  -u, --username string   Username
@@@ shell neg-help-text-tool
$ vault login -h | sed -n '1,14p'
Usage: vault login [options] [AUTH K=V...]

  Authenticates users or machines to Vault using the provided arguments. A
  successful authentication results in a Vault token - conceptually similar to
  a session token on a website. By default, this token is cached on the local
  machine for future requests.

      $ vault login -method=userpass username=my-username

  If a token is provided, it is used to authenticate:

      $ vault login s.ABCDEFGHIJKLMNOPQRSTUVWX
@@@ shell neg-pip-hashes
$ pip download requests==2.32.3 --no-deps -d /tmp/w && pip hash /tmp/w/requests-2.32.3-py3-none-any.whl
/tmp/w/requests-2.32.3-py3-none-any.whl:
--hash=sha256:«d:sha64»
@@@ shell neg-npm-ls-integrity
$ grep -A3 '"node_modules/jsonwebtoken"' package-lock.json
    "node_modules/jsonwebtoken": {
      "version": "9.0.2",
      "resolved": "https://registry.npmjs.org/jsonwebtoken/-/jsonwebtoken-9.0.2.tgz",
      "integrity": "«i:sri»",
@@@ shell neg-go-sum
$ grep golang.org/x/crypto go.sum
golang.org/x/crypto v0.31.0 «a:gosum»
golang.org/x/crypto v0.31.0/go.mod «b:gosum»
@@@ shell neg-ansible-vault-view-cat
$ cat group_vars/prod/vault.yml
«v:vault_ansible»
@@@ shell neg-sops-file-head
$ head -12 secrets/prod.enc.yaml
db_password: «e:sops»
stripe_key: «e2:sops»
sops:
    kms:
        - arn: arn:aws:kms:us-east-1:«n:awsacct»:key/«k:uuid»
          created_at: "«t:date»"
          enc: «c:b64_200»
          aws_profile: ""
    lastmodified: "«t»"
    mac: «e3:sops»
    version: 3.9.1
@@@ shell neg-sealed-secrets-kubeseal
$ kubeseal --format yaml < secret.yaml | tail -8
spec:
  encryptedData:
    password: «e:sealed»
  template:
    metadata:
      name: db-creds
      namespace: payments
@@@ shell neg-terraform-plan-sensitive
$ terraform plan -no-color | sed -n '12,24p'
  # aws_db_instance.main will be updated in-place
  ~ resource "aws_db_instance" "main" {
        id                       = "«w:word»-prod"
      ~ password                 = (sensitive value)
        tags                     = {}
        # (52 unchanged attributes hidden)
    }

  # random_password.db will be created
  + resource "random_password" "db" {
      + result  = (sensitive value)
      + length  = 32
    }
@@@ shell neg-terraform-output-masked
$ terraform output
db_endpoint = "«w:word»-prod.«c:lan12».eu-west-1.rds.amazonaws.com:5432"
db_password = <sensitive>
kms_key_arn = "arn:aws:kms:eu-west-1:«n:awsacct»:key/«k:uuid»"
@@@ shell neg-vault-kv-metadata
$ vault kv metadata get secret/apps/checkout
======== Metadata Path ========
secret/metadata/apps/checkout

========== Metadata ==========
Key                     Value
---                     -----
cas_required            false
created_time            «t:date»
current_version         7
max_versions            0
@@@ shell neg-secretsmanager-list
$ aws secretsmanager list-secrets --query 'SecretList[].[Name,ARN]' --output text
prod/db/password	arn:aws:secretsmanager:eu-west-1:«n:awsacct»:secret:prod/db/password-«a:an6»
prod/stripe/api-key	arn:aws:secretsmanager:eu-west-1:«n»:secret:prod/stripe/api-key-«b:an6»
@@@ shell neg-gh-secret-list
$ gh secret list --repo acme/«w:word»
NAME                   UPDATED
AWS_SECRET_ACCESS_KEY  about 2 months ago
NPM_TOKEN              about 5 days ago
SLACK_WEBHOOK_URL      about 1 year ago
@@@ shell neg-heroku-config-masked
$ heroku config:get DATABASE_URL -a «w:word» | sed -E 's#//([^:]+):[^@]+@#//\1:****@#'
postgres://«u:lan14»:****@ec2-«ip:dig3»-«d:dig2».compute-1.amazonaws.com:5432/«n:lan14»
@@@ shell neg-netstat-ids
$ journalctl -u sshd -n 4 --no-pager
Mar 03 10:01:12 bastion sshd[«p:dig5»]: Accepted publickey for «u:user» from «ip:ip» port «q:port» ssh2: ED25519 «f:sshfp»
Mar 03 10:01:12 bastion sshd[«p»]: pam_unix(sshd:session): session opened for user «u»(uid=1001) by (uid=0)
Mar 03 10:04:40 bastion sshd[«p2:dig5»]: Failed password for invalid user admin from «ip2:ip» port «q2:port» ssh2
@@@ shell neg-curl-v-no-auth
$ curl -sv https://api.github.com/meta -o /dev/null 2>&1 | grep -E '^[<>]'
> GET /meta HTTP/2
> Host: api.github.com
> User-Agent: curl/8.5.0
< HTTP/2 200
< etag: W/"«e:hex64»"
< x-github-request-id: «r:HEX4»:«r2:HEX5»:«r3:HEX6»:«r4:HEX7»:«r5:HEX8»
< x-ratelimit-remaining: 59
@@@ shell neg-kubectl-sa-token-projected
$ kubectl get pod api-«a:lan10»-«b:lan5» -o jsonpath='{.spec.volumes[?(@.projected)].projected.sources[0]}'
{"serviceAccountToken":{"expirationSeconds":3607,"path":"token"}}
@@@ shell neg-base64-image
$ base64 -w0 logo.png | head -c 420; echo
«i:b64img»
@@@ shell neg-uuidgen-keys
$ for i in 1 2 3; do uuidgen; done
«a:uuid»
«b:uuid»
«c:uuid»
@@@ shell neg-openssl-rand-placeholder
$ grep -n "SECRET" .env.example
3:SECRET_KEY=  # generate with: openssl rand -hex 32
4:JWT_SECRET=<your-jwt-secret>
5:STRIPE_SECRET_KEY=sk_test_...
@@@ shell neg-md5-etag
$ aws s3api head-object --bucket «w:word»-artifacts --key build/«c:sha7».tar.gz
{
    "AcceptRanges": "bytes",
    "LastModified": "Mon, 03 Mar 2025 09:12:44 GMT",
    "ContentLength": 18822144,
    "ETag": "\"«e:hex32»-3\"",
    "VersionId": "«v:b64u32»",
    "ServerSideEncryption": "aws:kms",
    "SSEKMSKeyId": "arn:aws:kms:eu-west-1:«n:awsacct»:key/«k:uuid»"
}
@@@ shell neg-gcloud-sa-keys-list
$ gcloud iam service-accounts keys list --iam-account ci@«w:word».iam.gserviceaccount.com
KEY_ID                                    CREATED_AT            EXPIRES_AT            DISABLED
«k:sha40»  2025-01-04T10:11:12Z  9999-12-31T23:59:59Z
«k2:sha40»  2024-06-30T08:00:00Z  9999-12-31T23:59:59Z
@@@ shell neg-cmdkey-list
C:\> cmdkey /list

Currently stored credentials:

    Target: Domain:target=TERMSRV/«h:host»
    Type: Domain Password
    User: CORP\«u:user»

    Target: LegacyGeneric:target=git:https://github.com
    Type: Generic
    User: «u»
@@@ shell neg-security-find-attrs
$ security find-generic-password -s "«w:word»-api"
keychain: "/Users/«u:user»/Library/Keychains/login.keychain-db"
version: 512
class: "genp"
attributes:
    0x00000007 <blob>="«w»-api"
    "acct"<blob>="«u»"
    "cdat"<timedate>=0x«d:HEX28»  "20250301101112Z\000"
    "svce"<blob>="«w»-api"
@@@ shell neg-git-config-list
$ git config --list --show-origin | grep -i cred
file:/home/dev/.gitconfig	credential.helper=store
file:/home/dev/.gitconfig	credential.https://dev.azure.com.usehttppath=true
file:.git/config	credential.helper=!f() { echo "password=$(op read op://dev/github/token)"; }; f
@@@ shell neg-dig-txt
$ dig +short TXT «w:word».com
"v=spf1 include:_spf.google.com include:mailgun.org ~all"
"google-site-verification=«g:b64u43»"
"stripe-verification=«v:hex64»"
@@@ shell neg-docker-config-credsstore
$ cat ~/.docker/config.json
{
	"auths": {
		"ghcr.io": {},
		"https://index.docker.io/v1/": {}
	},
	"credsStore": "desktop",
	"currentContext": "default"
}
@@@ shell neg-az-account-show
$ az account show
{
  "environmentName": "AzureCloud",
  "id": "«sb:uuid»",
  "isDefault": true,
  "name": "Pay-As-You-Go",
  "tenantId": "«t:uuid»",
  "user": {
    "name": "«u:user»@example.com",
    "type": "user"
  }
}
@@@ shell neg-stripe-cli-logs
$ stripe listen --forward-to localhost:4242/webhook
> Ready! You are using Stripe API Version [2024-06-20]. Your webhook signing secret is whsec_**** (^C to quit)
2025-03-03 10:11:12   --> payment_intent.created [evt_«e:an24»]
2025-03-03 10:11:12  <--  [200] POST http://localhost:4242/webhook [evt_«e»]
@@@ shell neg-npm-whoami-token-list
$ npm token list
┌────────┬─────────┬────────────┬──────────┬────────────────┐
│ id     │ token   │ created    │ readonly │ CIDR whitelist │
├────────┼─────────┼────────────┼──────────┼────────────────┤
│ «i:hex6» │ npm_«t:an2»… │ 2025-02-11 │ no       │                │
└────────┴─────────┴────────────┴──────────┴────────────────┘
@@@ shell neg-history-reads-env
$ history | tail -4
  611  export OPENAI_API_KEY="$(op read 'op://Private/OpenAI/credential')"
  612  export ANTHROPIC_API_KEY=$(security find-generic-password -s anthropic -w)
  613  python scripts/eval.py --model gpt-4o --n 50
  614  history | tail -4
@@@ yaml kubectl-get-secret-yaml
«!p:pw»«!u:user»$ kubectl get secret db-creds -n payments -o yaml
apiVersion: v1
data:
  password: «s=b64(p)»
  username: «u2=b64(u)»
kind: Secret
metadata:
  annotations:
    meta.helm.sh/release-name: api
  creationTimestamp: "«t:date»"
  name: db-creds
  namespace: payments
  resourceVersion: "«r:dig8»"
  uid: «i:uuid»
type: Opaque
@@@ yaml k8s-secret-stringdata
apiVersion: v1
kind: Secret
metadata:
  name: «w:word»-smtp
type: Opaque
stringData:
  SMTP_USER: «u:user»
  SMTP_PASSWORD: "«s:pw»"
@@@ yaml k8s-dockerconfigjson
«!h:host»«!u:user»«!p:pw»apiVersion: v1
kind: Secret
metadata:
  name: regcred
type: kubernetes.io/dockerconfigjson
data:
  .dockerconfigjson: «s=dockercfg(h,u,p)»
@@@ yaml k8s-tls-secret-key
«!cc:cert»«!k:pem_rsa»apiVersion: v1
kind: Secret
type: kubernetes.io/tls
metadata:
  name: «w:word»-tls
data:
  tls.crt: «c=b64(cc)»
  tls.key: «s=b64(k)»
@@@ yaml helm-get-values
$ helm get values grafana -n monitoring
USER-SUPPLIED VALUES:
adminPassword: «s:pw»
adminUser: admin
grafana.ini:
  auth.github:
    client_id: Iv1.«c:hex16»
    client_secret: «s2:sha40»
    enabled: true
persistence:
  enabled: true
@@@ yaml helm-values-readtool
     1→postgresql:
     2→  enabled: true
     3→  auth:
     4→    username: «u:user»
     5→    password: «s:pw»
     6→    postgresPassword: «s2:pw»
     7→    database: keycloak
     8→  primary:
     9→    persistence:
    10→      size: 8Gi
@@@ yaml docker-compose-env
services:
  api:
    build: .
    environment:
      - DATABASE_URL=postgresql://«u:user»:«s:pwu»@db:5432/app
      - REDIS_PASSWORD=«s2:pw»
      - SENTRY_DSN=https://«k:hex32»@o«n:dig6».ingest.sentry.io/«p:dig7»
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD: «s3:pw»
@@@ yaml github-actions-hardcoded
name: release
on:
  push:
    tags: ["v*"]
jobs:
  publish:
    runs-on: ubuntu-latest
    env:
      NODE_AUTH_TOKEN: «s:npm»
      GH_TOKEN: ${{ secrets.GITHUB_TOKEN }}
    steps:
      - uses: actions/checkout@v4
      - run: npm publish --access public
@@@ yaml gitlab-ci-variables
variables:
  DOCKER_DRIVER: overlay2
  SONAR_HOST_URL: https://sonar.«h:host»
  SONAR_TOKEN: "squ_«s:hex40»"
  DEPLOY_TOKEN_USER: gitlab+deploy-token-«n:dig6»
  DEPLOY_TOKEN: «s2:gldt»

build:
  stage: build
  script:
    - docker login -u "$DEPLOY_TOKEN_USER" -p "$DEPLOY_TOKEN" $CI_REGISTRY
@@@ yaml circleci-config
version: 2.1
jobs:
  deploy:
    docker:
      - image: cimg/python:3.12
        auth:
          username: «u:user»
          password: «s:pw»
    environment:
      PULUMI_ACCESS_TOKEN: «s2:pulumi»
    steps:
      - checkout
@@@ yaml buildkite-pipeline
steps:
  - label: ":rocket: deploy"
    command: scripts/deploy.sh
    env:
      BUILDKITE_ANALYTICS_TOKEN: «s:an24»
      HONEYCOMB_API_KEY: «s2:an32»
    agents:
      queue: deploy
@@@ yaml drone-yml
kind: pipeline
type: docker
name: default
steps:
- name: publish
  image: plugins/docker
  settings:
    repo: «w:word»/api
    username: «u:user»
    password: «s:pw»
- name: notify
  image: plugins/slack
  settings:
    webhook: https://hooks.slack.com/services/T«t:up10»/B«b:up10»/«s2:slackhook»
@@@ yaml azure-pipelines-vars
trigger:
  - main
variables:
  buildConfiguration: Release
  AZURE_STORAGE_CONNECTION_STRING: DefaultEndpointsProtocol=https;AccountName=«a:lan12»;AccountKey=«s:azkey»;EndpointSuffix=core.windows.net
steps:
  - task: DotNetCoreCLI@2
    inputs:
      command: build
@@@ yaml bitbucket-pipelines
image: node:20
pipelines:
  branches:
    main:
      - step:
          name: Deploy
          script:
            - export HEROKU_API_KEY=«s:uuid»
            - git push https://heroku:$HEROKU_API_KEY@git.heroku.com/«w:word».git HEAD:main
@@@ yaml ansible-group-vars
---
# group_vars/db/main.yml
postgresql_users:
  - name: «u:user»
    password: "«s:pw»"
    role_attr_flags: LOGIN
postgresql_databases:
  - name: ledger
    owner: «u»
ansible_become_pass: «s2:pw»
@@@ yaml ansible-inventory-ini
[windows]
win01.«h:host»

[windows:vars]
ansible_user=Administrator
ansible_password=«s:pw»
ansible_connection=winrm
ansible_winrm_server_cert_validation=ignore
@@@ yaml salt-pillar
# /srv/pillar/rabbitmq.sls
rabbitmq:
  users:
    «u:user»:
      password: «s:pw»
      tags: administrator
  erlang_cookie: «s2:up20»
@@@ yaml cloudformation-param
AWSTemplateFormatVersion: "2010-09-09"
Resources:
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      Engine: postgres
      MasterUsername: «u:user»
      MasterUserPassword: «s:pw»
      DBInstanceClass: db.t4g.medium
@@@ yaml spring-application-yml
spring:
  datasource:
    url: jdbc:postgresql://«h:host»:5432/orders
    username: «u:user»
    password: «s:pw»
  mail:
    host: smtp.sendgrid.net
    username: apikey
    password: «s2:sendgrid»
@@@ yaml spring-properties
# src/main/resources/application-prod.properties
server.port=8443
spring.datasource.url=jdbc:mysql://«h:host»:3306/shop?useSSL=true
spring.datasource.username=«u:user»
spring.datasource.password=«s:pw»
spring.security.oauth2.client.registration.github.client-id=Iv1.«c:hex16»
spring.security.oauth2.client.registration.github.client-secret=«s2:sha40»
@@@ yaml rails-credentials-show
$ EDITOR=cat bin/rails credentials:show --environment production
secret_key_base: «s:railskey»
aws:
  access_key_id: «a:akia»
  secret_access_key: «s2:aws_secret»
stripe:
  publishable_key: «p:pk_live»
  secret_key: «s3:sk_live»
@@@ yaml laravel-env
APP_NAME=Laravel
APP_ENV=production
APP_KEY=«s:laravel»
APP_DEBUG=false
DB_CONNECTION=mysql
DB_HOST=127.0.0.1
DB_DATABASE=forge
DB_USERNAME=forge
DB_PASSWORD=«s2:pw»
MAIL_PASSWORD=«s3:pw»
PUSHER_APP_SECRET=«s4:hex20»
@@@ yaml symfony-env-local
###> symfony/framework-bundle ###
APP_ENV=prod
APP_SECRET=«s:hex32»
###< symfony/framework-bundle ###
###> doctrine/doctrine-bundle ###
DATABASE_URL="postgresql://«u:user»:«s2:pwu»@127.0.0.1:5432/app?serverVersion=16&charset=utf8"
###< doctrine/doctrine-bundle ###
@@@ yaml dotenv-cat-n
$ cat -n .env.production
     1	NEXT_PUBLIC_API_URL=https://api.«h:host»
     2	NEXTAUTH_URL=https://«h»
     3	NEXTAUTH_SECRET=«s:b64_44»
     4	GITHUB_ID=Iv1.«c:hex16»
     5	GITHUB_SECRET=«s2:sha40»
@@@ yaml gradle-properties
org.gradle.jvmargs=-Xmx4g
android.useAndroidX=true
signing.keyId=«k:HEX8»
signing.password=«s:pw»
signing.secretKeyRingFile=/home/ci/.gnupg/secring.gpg
ossrhUsername=«u:user»
ossrhPassword=«s2:pw»
RELEASE_STORE_PASSWORD=«s3:pw»
@@@ yaml android-local-properties
## This file must *NOT* be checked into Version Control Systems,
sdk.dir=/Users/«u:user»/Library/Android/sdk
MAPS_API_KEY=«s:aiza»
keystore.password=«s2:pw»
@@@ yaml xcconfig
// Config/Secrets.xcconfig
API_BASE_URL = https:/$()/api.«h:host»
REVENUECAT_API_KEY = sk_«s:an32»
SENTRY_AUTH_TOKEN = «s2:sentry»
@@@ yaml plist-api-key
<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>AlgoliaAppID</key>
	<string>«a:up10»</string>
	<key>AlgoliaAdminAPIKey</key>
	<string>«s:hex32»</string>
	<key>CFBundleVersion</key>
	<string>412</string>
</dict>
</plist>
@@@ yaml web-config-connstring
<configuration>
  <connectionStrings>
    <add name="Default" connectionString="Server=tcp:«w:word».database.windows.net,1433;Initial Catalog=Orders;User ID=«u:user»;Password=«s:pw»;Encrypt=True;" providerName="System.Data.SqlClient" />
  </connectionStrings>
  <appSettings>
    <add key="SendGridApiKey" value="«s2:sendgrid»" />
  </appSettings>
</configuration>
@@@ yaml appsettings-json
{
  "Logging": { "LogLevel": { "Default": "Information" } },
  "ConnectionStrings": {
    "Redis": "«h:host»:6380,password=«s:an44»,ssl=True,abortConnect=False"
  },
  "AzureAd": {
    "Instance": "https://login.microsoftonline.com/",
    "TenantId": "«t:uuid»",
    "ClientId": "«c:uuid»",
    "ClientSecret": "«s2:azsecret»"
  }
}
@@@ yaml nuget-config
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSourceCredentials>
    <acme>
      <add key="Username" value="«u:user»" />
      <add key="ClearTextPassword" value="«s:lan52»" />
    </acme>
  </packageSourceCredentials>
</configuration>
@@@ yaml maven-settings-xml
<settings>
  <servers>
    <server>
      <id>ossrh</id>
      <username>«u:user»</username>
      <password>«s:pw»</password>
    </server>
    <server>
      <id>github</id>
      <username>«u»</username>
      <password>«s2:ghp»</password>
    </server>
  </servers>
</settings>
@@@ yaml kafka-jaas-properties
# config/client.properties
bootstrap.servers=«h:host»:9094
security.protocol=SASL_SSL
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="«u:user»" password="«s:pw»";
ssl.truststore.location=/etc/kafka/truststore.jks
ssl.truststore.password=«s2:pw»
@@@ yaml kafka-confluent-cloud
bootstrap.servers=pkc-«a:lan5».eu-west-1.aws.confluent.cloud:9092
security.protocol=SASL_SSL
sasl.mechanisms=PLAIN
sasl.username=«k:UPPER16»
sasl.password=«s:b64_64»
@@@ yaml rabbitmq-conf
# /etc/rabbitmq/rabbitmq.conf
listeners.tcp.default = 5672
default_user = «u:user»
default_pass = «s:pw»
management.tcp.port = 15672
@@@ yaml nats-server-conf
authorization {
  users = [
    { user: «u:user», password: "«s:pw»" }
    { user: monitor, password: "«s2:pw»", permissions: { subscribe: ">" } }
  ]
}
@@@ yaml mongod-keyfile-conf
security:
  authorization: enabled
  keyFile: /etc/mongo/keyfile
setParameter:
  enableLocalhostAuthBypass: false
# seeded by bootstrap: db.createUser({user: "«u:user»", pwd: "«s:pw»", roles: ["root"]})
@@@ yaml elasticsearch-kibana-yml
server.host: "0.0.0.0"
elasticsearch.hosts: ["https://es01:9200"]
elasticsearch.username: "kibana_system"
elasticsearch.password: "«s:pw»"
xpack.encryptedSavedObjects.encryptionKey: "«s2:an32»"
@@@ yaml clickhouse-users-xml
<clickhouse>
  <users>
    <«u:user»>
      <password>«s:pw»</password>
      <networks><ip>::/0</ip></networks>
      <profile>default</profile>
    </«u»>
  </users>
</clickhouse>
@@@ yaml cassandra-yaml-excerpt
$ grep -n -A2 'authenticator\|jmx' /etc/cassandra/cassandra-env.sh /etc/cassandra/jmxremote.password
/etc/cassandra/cassandra-env.sh:291:  JVM_OPTS="$JVM_OPTS -Dcom.sun.management.jmxremote.authenticate=true"
/etc/cassandra/jmxremote.password:1:monitorRole «s:pw»
/etc/cassandra/jmxremote.password:2:controlRole «s2:pw»
@@@ yaml snowflake-connections-toml
# ~/.snowflake/connections.toml
[default]
account = "«a:lan8»-«b:lan7»"
user = "«u:user»"
password = "«s:pw»"
warehouse = "COMPUTE_WH"
role = "TRANSFORMER"
@@@ yaml dbt-profiles
analytics:
  target: prod
  outputs:
    prod:
      type: redshift
      host: «w:word».«c:lan12».eu-west-1.redshift.amazonaws.com
      user: «u:user»
      password: «s:pw»
      port: 5439
      dbname: analytics
      schema: dbt_prod
@@@ yaml pyproject-poetry-source
[[tool.poetry.source]]
name = "private"
url = "https://«u:user»:«s:pwu»@pypi.«h:host»/simple/"
priority = "supplemental"
@@@ yaml pip-conf
# /etc/pip.conf
[global]
index-url = https://aws:«s:an64»@«w:word»-«n:awsacct».d.codeartifact.eu-west-1.amazonaws.com/pypi/pypi/simple/
timeout = 60
@@@ yaml npmrc-cat
$ cat .npmrc
registry=https://registry.npmjs.org/
@fortawesome:registry=https://npm.fontawesome.com/
//npm.fontawesome.com/:_authToken=«s:uuid»
//registry.npmjs.org/:_authToken=«s2:npm»
@@@ yaml yarnrc-yml
nodeLinker: node-modules
npmScopes:
  acme:
    npmRegistryServer: "https://npm.pkg.github.com"
    npmAuthToken: "«s:ghp»"
@@@ yaml docker-config-auths
«!u:user»«!p:pw»«!g:ghp»$ cat ~/.docker/config.json
{
	"auths": {
		"registry.«h:host»": {
			"auth": "«s=basic(u,p)»"
		},
		"ghcr.io": {
			"auth": "«s2=basic(u,g)»"
		}
	}
}
@@@ yaml toml-app-config
[server]
bind = "0.0.0.0:8080"

[database]
url = "mysql://«u:user»:«s:pwu»@«h:host»:3306/app"
max_connections = 20

[oauth.google]
client_id = "«c:gclient»"
client_secret = "«s2:gocspx»"
@@@ yaml ini-odbc
[ReportingDSN]
Driver=ODBC Driver 18 for SQL Server
Server=«h:host»
Database=Reporting
UID=«u:user»
PWD=«s:pw»
@@@ yaml mycnf
$ cat ~/.my.cnf
[client]
user=«u:user»
password="«s:pw»"
host=«h:host»
@@@ yaml supervisord-env
[program:worker]
command=/srv/app/.venv/bin/celery -A app worker -l info
environment=DJANGO_SETTINGS_MODULE="app.settings.prod",CELERY_BROKER_URL="amqp://«u:user»:«s:pwu»@«h:host»:5672//",AWS_SECRET_ACCESS_KEY="«s2:aws_secret»"
autostart=true
@@@ yaml systemd-unit-env
$ systemctl cat grafana-agent
# /etc/systemd/system/grafana-agent.service
[Service]
Environment=GCLOUD_RW_API_KEY=«s:grafana»
Environment=GCLOUD_HOSTED_METRICS_ID=«n:dig7»
ExecStart=/usr/bin/grafana-agent --config.file=/etc/grafana-agent.yaml
Restart=always
@@@ yaml prometheus-basic-auth
scrape_configs:
  - job_name: federate
    scheme: https
    basic_auth:
      username: «u:user»
      password: «s:pw»
    static_configs:
      - targets: ["prom.«h:host»"]
@@@ yaml alertmanager-receivers
receivers:
  - name: oncall
    pagerduty_configs:
      - routing_key: «s:hex32»
    slack_configs:
      - api_url: https://hooks.slack.com/services/T«t:up10»/B«b:up10»/«s2:slackhook»
        channel: "#alerts"
@@@ yaml traefik-dynamic
http:
  middlewares:
    admin-auth:
      basicAuth:
        users:
          - "«u:user»:$apr1$«a:an8»$«h:b64_22»"
  routers:
    api:
      rule: Host(`api.«d:host»`)
certificatesResolvers:
  cf:
    acme:
      dnsChallenge:
        provider: cloudflare
# CF_DNS_API_TOKEN=«s:cfkey»
@@@ yaml argocd-repo-secret
apiVersion: v1
kind: Secret
metadata:
  name: private-repo
  labels:
    argocd.argoproj.io/secret-type: repository
stringData:
  type: git
  url: https://github.com/acme/«w:word»-deploy
  password: «s:ghpat»
  username: not-used
@@@ yaml kubeconfig-token
«!cc:cert»apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: «c=b64(cc)»
    server: https://«ip:ip»:6443
  name: prod
users:
- name: ci
  user:
    token: «s:jwtrs»
@@@ yaml kubeconfig-client-key
«!cc:cert»«!k:pem_ec»users:
- name: kubernetes-admin
  user:
    client-certificate-data: «c=b64(cc)»
    client-key-data: «s=b64(k)»
@@@ yaml openapi-generator-config
# .openapi-generator/config.yaml
generatorName: typescript-fetch
additionalProperties:
  npmName: "@acme/client"
# local override used while testing against staging:
apiKey: «s:an40»
@@@ yaml mkdocs-plugin-token
plugins:
  - search
  - git-committers:
      repository: acme/«w:word»
      branch: main
      token: «s:ghp»
@@@ yaml serverless-yml
service: «w:word»-api
provider:
  name: aws
  runtime: nodejs20.x
  environment:
    STRIPE_KEY: «s:rk_live»
    TABLE: ${self:service}-${sls:stage}
@@@ yaml netlify-toml
[build]
  command = "npm run build"
  publish = "dist"
[build.environment]
  NODE_VERSION = "20"
  ALGOLIA_ADMIN_KEY = "«s:hex32»"
  NETLIFY_AUTH_TOKEN = "«s2:netlify»"
@@@ yaml fly-toml-readtool
     1→app = "«w:word»"
     2→primary_region = "ams"
     3→
     4→[env]
     5→  PORT = "8080"
     6→  REPLICATE_API_TOKEN = "«s:replicate»"
     7→  LOG_LEVEL = "info"
@@@ yaml conda-condarc
channels:
  - https://conda.anaconda.org/t/«s:an40»/acme
  - conda-forge
channel_priority: strict
@@@ yaml openvpn-inline-key
client
dev tun
remote vpn.«h:host» 1194 udp
<ca>
«c:cert»
</ca>
<key>
«s:pem_pkcs8»
</key>
<tls-crypt>
-----BEGIN OpenVPN Static key V1-----
«s2:hex32»
«s3:hex32»
«s4:hex32»
-----END OpenVPN Static key V1-----
</tls-crypt>
@@@ yaml wireguard-conf
[Interface]
PrivateKey = «s:b64_44»
Address = 10.8.0.2/32
DNS = 1.1.1.1

[Peer]
PublicKey = «p:b64_44»
PresharedKey = «s2:b64_44»
Endpoint = vpn.«h:host»:51820
AllowedIPs = 0.0.0.0/0
@@@ yaml git-diff-yaml-added
$ git diff HEAD~1 -- deploy/values-prod.yaml
diff --git a/deploy/values-prod.yaml b/deploy/values-prod.yaml
index «a:sha7»..«b:sha7» 100644
--- a/deploy/values-prod.yaml
+++ b/deploy/values-prod.yaml
@@ -12,6 +12,9 @@ ingress:
   enabled: true
 env:
   LOG_LEVEL: info
+  OPENAI_API_KEY: «s:openai»
+  ANTHROPIC_API_KEY: «s2:anthropic»
+  GROQ_API_KEY: «s3:groq»
   WORKERS: "4"
@@@ yaml jenkins-casc
jenkins:
  securityRealm:
    local:
      users:
        - id: admin
          password: «s:pw»
credentials:
  system:
    domainCredentials:
      - credentials:
          - string:
              id: slack-token
              secret: «s2:xoxb»
@@@ yaml ldif-add-user
$ cat newuser.ldif
dn: uid=«u:user»,ou=people,dc=corp,dc=local
objectClass: inetOrgPerson
uid: «u»
cn: «w:word»
sn: «w»
mail: «u»@corp.local
userPassword: «s:pw»
@@@ yaml ldif-base64-password
«!p:pw»$ ldapsearch -LLL -x -D cn=admin,dc=corp,dc=local -y /root/.ldappw "(uid=«u:user»)" userPassword
dn: uid=«u»,ou=svc,dc=corp,dc=local
userPassword:: «s=b64(p)»
@@@ yaml reg-export
Windows Registry Editor Version 5.00

[HKEY_LOCAL_MACHINE\SOFTWARE\Microsoft\Windows NT\CurrentVersion\Winlogon]
"AutoAdminLogon"="1"
"DefaultUserName"="«u:user»"
"DefaultPassword"="«s:pw»"
"DefaultDomainName"="CORP"
@@@ yaml rclone-conf-s3
[wasabi]
type = s3
provider = Wasabi
access_key_id = «a:up20»
secret_access_key = «s:b64u40»
endpoint = s3.eu-central-1.wasabisys.com
@@@ yaml sentry-properties
defaults.url=https://sentry.io/
defaults.org=acme
defaults.project=ios
auth.token=«s:sentry»
@@@ yaml firebase-admin-json-readtool
     1→{
     2→  "type": "service_account",
     3→  "project_id": "«w:word»-prod",
     4→  "private_key_id": "«k:sha40»",
     5→  "private_key": "«s:pem_pkcs8|jsonesc»",
     6→  "client_email": "firebase-adminsdk-«a:lan5»@«w»-prod.iam.gserviceaccount.com",
     7→  "client_id": "«c:dig21»",
@@@ yaml neg-k8s-secretkeyref
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api
spec:
  template:
    spec:
      containers:
        - name: api
          image: ghcr.io/acme/api@sha256:«d:sha64»
          env:
            - name: DB_PASSWORD
              valueFrom:
                secretKeyRef:
                  name: db-creds
                  key: password
            - name: STRIPE_SECRET_KEY
              valueFrom:
                secretKeyRef: {name: stripe-api-key, key: secret}
@@@ yaml neg-k8s-secret-empty-template
apiVersion: v1
kind: Secret
metadata:
  name: {{ include "app.fullname" . }}-db
type: Opaque
data:
  password: {{ .Values.db.password | b64enc | quote }}
  api-key: {{ required "apiKey is required" .Values.apiKey | b64enc }}
@@@ yaml neg-external-secrets
apiVersion: external-secrets.io/v1beta1
kind: ExternalSecret
metadata:
  name: checkout-secrets
spec:
  refreshInterval: 1h
  secretStoreRef:
    name: aws-secretsmanager
    kind: ClusterSecretStore
  data:
    - secretKey: STRIPE_SECRET_KEY
      remoteRef:
        key: prod/checkout/stripe
        property: secret_key
@@@ yaml neg-sealed-secret
apiVersion: bitnami.com/v1alpha1
kind: SealedSecret
metadata:
  name: db-creds
  namespace: payments
spec:
  encryptedData:
    password: «e:sealed»
    username: «e2:sealed»
@@@ yaml neg-sops-yaml
api_token: «e:sops»
db:
    password: «e2:sops»
sops:
    age:
        - recipient: «p:agepub»
          enc: |
            -----BEGIN AGE ENCRYPTED FILE-----
            «c:b64_64»
            «c2:b64_64»
            -----END AGE ENCRYPTED FILE-----
    lastmodified: "«t:date»"
    mac: «e3:sops»
    unencrypted_suffix: _unencrypted
    version: 3.8.1
@@@ yaml neg-ansible-vault-inline
mysql_root_password: !vault |
          «v:vault_ansible|hang:10»
mysql_user: «u:user»
@@@ yaml neg-github-actions-secrets-refs
name: deploy
on: workflow_dispatch
jobs:
  deploy:
    runs-on: ubuntu-latest
    permissions:
      id-token: write
      contents: read
    steps:
      - uses: aws-actions/configure-aws-credentials@v4
        with:
          role-to-assume: arn:aws:iam::«n:awsacct»:role/gha-deploy
          aws-region: eu-west-1
      - run: ./deploy.sh
        env:
          DATABASE_URL: ${{ secrets.DATABASE_URL }}
          SENTRY_AUTH_TOKEN: ${{ secrets.SENTRY_AUTH_TOKEN }}
@@@ yaml neg-gitlab-ci-masked-vars
deploy:
  stage: deploy
  image: alpine:3.20
  id_tokens:
    VAULT_ID_TOKEN:
      aud: https://vault.«h:host»
  secrets:
    DATABASE_PASSWORD:
      vault: production/db/password@ops
      file: false
  script:
    - echo "deploying $CI_COMMIT_SHORT_SHA with token of $CI_JOB_TOKEN length ${#CI_JOB_TOKEN}"
@@@ yaml neg-circleci-contexts
version: 2.1
orbs:
  aws-cli: circleci/aws-cli@4.1
workflows:
  deploy:
    jobs:
      - build:
          context:
            - aws-prod
            - slack-secrets
      - hold:
          type: approval
@@@ yaml neg-azure-pipelines-keyvault
variables:
  - group: prod-secrets
steps:
  - task: AzureKeyVault@2
    inputs:
      azureSubscription: sc-prod
      KeyVaultName: kv-«w:word»-prod
      SecretsFilter: 'DbPassword,StorageKey'
  - script: ./migrate.sh
    env:
      DB_PASSWORD: $(DbPassword)
@@@ yaml neg-docker-compose-secrets-files
services:
  db:
    image: postgres:16
    environment:
      POSTGRES_PASSWORD_FILE: /run/secrets/db_password
      POSTGRES_USER: ${DB_USER:-app}
    secrets:
      - db_password
secrets:
  db_password:
    file: ./secrets/db_password.txt
@@@ yaml neg-spring-placeholders
spring:
  datasource:
    url: jdbc:postgresql://${DB_HOST:localhost}:5432/orders
    username: ${DB_USER}
    password: ${DB_PASSWORD}
  cloud:
    vault:
      token: ${VAULT_TOKEN}
      kv:
        backend: secret
jwt:
  secret: '{cipher}«c:hex128»'
@@@ yaml neg-appsettings-keyvault-ref
{
  "ConnectionStrings": {
    "Default": "Server=(localdb)\\mssqllocaldb;Database=Orders;Trusted_Connection=True;MultipleActiveResultSets=true"
  },
  "Stripe": {
    "SecretKey": "@Microsoft.KeyVault(SecretUri=https://kv-«w:word».vault.azure.net/secrets/StripeSecretKey/)"
  },
  "AzureAd": { "ClientId": "«c:uuid»", "TenantId": "«t:uuid»", "ClientCertificates": [{ "SourceType": "KeyVault", "KeyVaultCertificateName": "api-auth" }] }
}
@@@ yaml neg-web-config-integrated
<connectionStrings>
  <add name="Reporting" connectionString="Data Source=«h:host»;Initial Catalog=Reporting;Integrated Security=SSPI;" providerName="System.Data.SqlClient" />
</connectionStrings>
<machineKey validation="HMACSHA256" decryption="AES" validationKey="AutoGenerate,IsolateApps" decryptionKey="AutoGenerate,IsolateApps" />
@@@ yaml neg-laravel-env-example
APP_NAME=Laravel
APP_ENV=local
APP_KEY=
APP_DEBUG=true
DB_CONNECTION=mysql
DB_PASSWORD=
MAIL_MAILER=log
AWS_ACCESS_KEY_ID=
AWS_SECRET_ACCESS_KEY=
PUSHER_APP_KEY=
@@@ yaml neg-env-example-placeholders
# Copy to .env and fill in
OPENAI_API_KEY=sk-...your-key-here
ANTHROPIC_API_KEY=<your-anthropic-api-key>
STRIPE_SECRET_KEY=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx
DATABASE_URL=postgres://USER:PASSWORD@localhost:5432/DBNAME
SESSION_SECRET=changeme-in-production
@@@ yaml neg-gradle-properties-refs
org.gradle.caching=true
signing.keyId=«k:HEX8»
signing.secretKeyRingFile=/home/ci/.gnupg/secring.gpg
# signing.password is passed via ORG_GRADLE_PROJECT_signingPassword
ossrhUsername=${env.OSSRH_USERNAME}
kotlin.code.style=official
@@@ yaml neg-maven-settings-encrypted
<settings>
  <servers>
    <server>
      <id>releases</id>
      <username>${env.NEXUS_USER}</username>
      <password>${env.NEXUS_PASSWORD}</password>
    </server>
    <server>
      <id>legacy</id>
      <username>deploy</username>
      <password>{«c:b64_44»}</password>
    </server>
  </servers>
</settings>
@@@ yaml neg-kafka-jaas-config-provider
config.providers=file
config.providers.file.class=org.apache.kafka.common.config.provider.FileConfigProvider
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="${file:/opt/kafka/secrets.properties:user}" password="${file:/opt/kafka/secrets.properties:password}";
@@@ yaml neg-kubeconfig-exec
«!cc:cert»apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: «c=b64(cc)»
    server: https://«k:HEX32».gr7.eu-west-1.eks.amazonaws.com
  name: arn:aws:eks:eu-west-1:«n:awsacct»:cluster/prod
users:
- name: arn:aws:eks:eu-west-1:«n»:cluster/prod
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: aws
      args: [--region, eu-west-1, eks, get-token, --cluster-name, prod]
@@@ yaml neg-k8s-configmap-hashes
apiVersion: v1
kind: ConfigMap
metadata:
  name: nginx-conf
  annotations:
    checksum/config: «d:sha64»
    kubectl.kubernetes.io/last-applied-configuration: '{"kind":"ConfigMap","metadata":{"name":"nginx-conf"}}'
data:
  csp: "default-src 'self'; script-src 'self' 'sha256-«h:b64_43»='"
@@@ yaml neg-helm-values-existing-secret
postgresql:
  auth:
    existingSecret: keycloak-db
    secretKeys:
      adminPasswordKey: postgres-password
      userPasswordKey: password
auth:
  adminUser: admin
  existingSecret: keycloak-admin
  passwordSecretKey: admin-password
@@@ yaml neg-cert-manager-cert
apiVersion: cert-manager.io/v1
kind: Certificate
metadata:
  name: «w:word»-tls
spec:
  secretName: «w»-tls
  privateKey:
    algorithm: ECDSA
    size: 256
    rotationPolicy: Always
  dnsNames: [«w».example.com]
  issuerRef: {name: letsencrypt-prod, kind: ClusterIssuer}
@@@ yaml neg-k8s-tls-crt-only
$ kubectl get secret «w:word»-tls -o jsonpath='{.data.tls\.crt}' | base64 -d | head -3
«c:cert»
@@@ yaml neg-readtool-config-refs
     1→[database]
     2→host = "db.internal"
     3→user = "app"
     4→password_file = "/run/secrets/db_password"
     5→
     6→[auth]
     7→jwks_url = "https://«w:word».eu.auth0.com/.well-known/jwks.json"
     8→audience = "https://api.«w».com"
     9→token_ttl = "15m"
@@@ yaml neg-jwks-public
{
  "keys": [
    {
      "kty": "RSA",
      "use": "sig",
      "kid": "«k:b64u43»",
      "alg": "RS256",
      "n": "«n:b64u_342»",
      "e": "AQAB"
    },
    {
      "kty": "EC", "crv": "P-256", "kid": "«k2:hex16»",
      "x": "«x:b64u43»", "y": "«y:b64u43»"
    }
  ]
}
@@@ yaml neg-openid-config
{
  "issuer": "https://accounts.«h:host»",
  "authorization_endpoint": "https://accounts.«h»/o/oauth2/v2/auth",
  "token_endpoint": "https://oauth2.«h»/token",
  "jwks_uri": "https://www.«h»/oauth2/v3/certs",
  "response_types_supported": ["code", "token", "id_token", "code token", "code id_token"],
  "token_endpoint_auth_methods_supported": ["client_secret_post", "client_secret_basic"],
  "code_challenge_methods_supported": ["plain", "S256"]
}
@@@ yaml neg-firebase-json-hosting
{
  "hosting": {
    "public": "dist",
    "headers": [{ "source": "**", "headers": [{ "key": "Cache-Control", "value": "max-age=31536000" }] }]
  },
  "emulators": { "auth": { "port": 9099 }, "firestore": { "port": 8080 } }
}
@@@ yaml neg-plist-entitlements
<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0">
<dict>
	<key>aps-environment</key>
	<string>production</string>
	<key>com.apple.developer.team-identifier</key>
	<string>«t:up10»</string>
	<key>keychain-access-groups</key>
	<array>
		<string>$(AppIdentifierPrefix)com.acme.«w:word».shared</string>
	</array>
</dict>
</plist>
@@@ yaml neg-xcconfig-refs
// Secrets come from the CI keychain; see docs/release.md
DEVELOPMENT_TEAM = «t:up10»
PRODUCT_BUNDLE_IDENTIFIER = com.acme.«w:word»
CODE_SIGN_IDENTITY = Apple Distribution
API_KEY = $(inherited)
PROVISIONING_PROFILE_SPECIFIER = «w» AppStore «u:uuid»
@@@ yaml neg-pipfile-lock-hashes
"cryptography": {
    "hashes": [
        "sha256:«a:sha64»",
        "sha256:«b:sha64»",
        "sha256:«c:sha64»"
    ],
    "markers": "python_version >= '3.7'",
    "version": "==43.0.1"
},
@@@ yaml neg-cargo-lock-checksum
[[package]]
name = "ring"
version = "0.17.8"
source = "registry+https://github.com/rust-lang/crates.io-index"
checksum = «d:sha64»
dependencies = [
 "cc",
 "getrandom",
]
@@@ yaml neg-yarn-lock
jsonwebtoken@^9.0.0:
  version "9.0.2"
  resolved "https://registry.yarnpkg.com/jsonwebtoken/-/jsonwebtoken-9.0.2.tgz#«d:sha40»"
  integrity «i:sri»
  dependencies:
    jws "^3.2.2"
@@@ yaml neg-reg-export-binary
Windows Registry Editor Version 5.00

[HKEY_CURRENT_USER\Software\Microsoft\Windows\CurrentVersion\Explorer\RecentDocs]
"MRUListEx"=hex:03,00,00,00,02,00,00,00,01,00,00,00,00,00,00,00,ff,ff,ff,ff
"0"=hex:«a:hex2»,00,«b:hex2»,00,«c:hex2»,00,2e,00,74,00,78,00,74,00,00,00
[HKEY_LOCAL_MACHINE\SOFTWARE\Policies\Microsoft\Windows\WindowsUpdate]
"WUServer"="http://wsus.«h:host»:8530"
@@@ yaml neg-ldif-public-cert
«!cc:cert»dn: cn=«u:user»,ou=people,dc=corp,dc=local
objectClass: inetOrgPerson
cn: «u»
mail: «u»@corp.local
userCertificate;binary:: «c=b64(cc)»
sshPublicKey: «p:sshpub»
@@@ yaml neg-prometheus-password-file
scrape_configs:
  - job_name: node
    basic_auth:
      username: prometheus
      password_file: /etc/prometheus/secrets/node_password
    authorization:
      type: Bearer
      credentials_file: /var/run/secrets/kubernetes.io/serviceaccount/token
@@@ yaml neg-nomad-template
job "api" {
  group "web" {
    task "server" {
      template {
        data = <<EOH
DB_PASSWORD={{ with secret "database/creds/api" }}{{ .Data.password }}{{ end }}
STRIPE_KEY={{ with nomadVar "nomad/jobs/api" }}{{ .stripe_key }}{{ end }}
EOH
        destination = "secrets/env"
        env         = true
      }
    }
  }
}
@@@ yaml neg-salt-pillar-gpg-renderer
#!yaml|gpg
mysql:
  user: «u:user»
  password: |
    «p:pgp_sig|hang:4»
@@@ yaml neg-cloudformation-dynamic-ref
Resources:
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      MasterUsername: '{{resolve:secretsmanager:prod/db:SecretString:username}}'
      MasterUserPassword: '{{resolve:secretsmanager:prod/db:SecretString:password}}'
      KmsKeyId: !Ref DbKey
      ManageMasterUserPassword: false
@@@ yaml neg-pulumi-stack-encrypted
config:
  aws:region: eu-west-1
  app:dbPassword:
    secure: v1:«n:b64_16»:«c:b64_48»
  app:stripeKey:
    secure: v1:«n2:b64_16»:«c2:b64_64»
encryptionsalt: v1:«e:b64_12»:v1:«e2:b64_16»:«e3:b64_32»
@@@ yaml neg-rails-credentials-enc
$ cat config/credentials/production.yml.enc
«c:b64_400»--«i:b64_16»--«t:b64_24»
@@@ yaml neg-toml-deps-with-key-names
[dependencies]
secrecy = "0.8"
keyring = { version = "3", features = ["apple-native", "windows-native"] }
jsonwebtoken = "9"
aws-sdk-secretsmanager = "1.40"
token-bucket = "0.4"
@@@ yaml neg-ini-defaults
[auth]
token_lifetime = 3600
password_min_length = 12
password_require_symbols = true
secret_rotation_days = 90
api_key_header = X-API-Key
@@@ yaml neg-git-diff-placeholder
$ git diff -- .env.example
diff --git a/.env.example b/.env.example
index «a:sha7»..«b:sha7» 100644
--- a/.env.example
+++ b/.env.example
@@ -3,3 +3,5 @@ DATABASE_URL=postgres://localhost/dev
 REDIS_URL=redis://localhost:6379/0
+# Get one at https://console.anthropic.com/settings/keys
+ANTHROPIC_API_KEY=
+OPENAI_API_KEY=${OPENAI_API_KEY}
@@@ source python-settings-readtool
    18→DEBUG = False
    19→ALLOWED_HOSTS = ["«w:word».example.com"]
    20→SECRET_KEY = "«s:django»"
    21→DATABASES = {
    22→    "default": {
    23→        "ENGINE": "django.db.backends.postgresql",
    24→        "NAME": "«w»",
    25→        "USER": "«u:user»",
    26→        "PASSWORD": "«s2:pw»",
    27→        "HOST": "«h:host»",
@@@ source python-django-secret-plain
# settings/production.py
from .base import *  # noqa

SECRET_KEY = '«s:djangokey»'
EMAIL_HOST_PASSWORD = '«s2:pw»'
AWS_STORAGE_BUCKET_NAME = '«w:word»-media'
@@@ source flask-config
class ProductionConfig(Config):
    SECRET_KEY = b"«s:hex64»"
    SQLALCHEMY_DATABASE_URI = "mysql+pymysql://«u:user»:«s2:pwu»@«h:host»/app"
    MAIL_PASSWORD = "«s3:pw»"
@@@ source python-dict-repr
>>> settings.model_dump()
{'app_name': '«w:word»', 'debug': False, 'database_url': 'postgresql+asyncpg://«u:user»:«s:pwu»@«h:host»:5432/app', 'openai_api_key': '«s2:openai»', 'max_workers': 8}
@@@ source python-dataclass-repr
Traceback (most recent call last):
  File "/srv/app/worker.py", line 88, in run
    client.connect()
  File "/srv/app/clients/smtp.py", line 41, in connect
    raise ConnectionError(f"cannot log in with {self.config!r}")
ConnectionError: cannot log in with SmtpConfig(host='smtp.«h:host»', port=587, username='«u:user»', password='«s:pw»', starttls=True)
@@@ source python-namedtuple-repr
DEBUG:root:credentials loaded: Credentials(access_key='«a:akia»', secret_key='«s:aws_secret»', token=None, method='shared-credentials-file')
@@@ source python-pydantic-plain-str
INFO  settings: Settings(env='prod', slack_bot_token='«s:xoxb»', slack_signing_secret='«s2:hex32»', log_level='INFO')
@@@ source python-requests-headers
import requests

HEADERS = {
    "Authorization": "Token «s:hex40»",
    "Accept": "application/json",
}
resp = requests.get("https://api.«h:host»/v2/devices", headers=HEADERS, timeout=10)
@@@ source python-openai-client
from openai import OpenAI

client = OpenAI(api_key="«s:openai»")
resp = client.chat.completions.create(model="gpt-4o-mini", messages=[{"role": "user", "content": "ping"}])
@@@ source python-anthropic-client
import anthropic

client = anthropic.Anthropic(
    # defaults to os.environ.get("ANTHROPIC_API_KEY")
    api_key="«s:anthropic»",
)
@@@ source python-boto3-session
session = boto3.Session(
    aws_access_key_id="«a:akia»",
    aws_secret_access_key="«s:aws_secret»",
    region_name="us-east-1",
)
@@@ source python-psycopg-connect
conn = psycopg2.connect(host="«h:host»", dbname="ledger", user="«u:user»", password="«s:pw»", sslmode="require")
@@@ source python-sqlalchemy-url-object
engine = create_engine(URL.create("mssql+pyodbc", username="«u:user»", password="«s:pw»", host="«h:host»", database="dw", query={"driver": "ODBC Driver 18 for SQL Server"}))
@@@ source python-redis-client
r = redis.Redis(host="«h:host»", port=6379, password="«s:pw»", ssl=True)
@@@ source python-kafka-producer
producer = KafkaProducer(
    bootstrap_servers=["«h:host»:9093"],
    security_protocol="SASL_SSL",
    sasl_mechanism="PLAIN",
    sasl_plain_username="«k:UPPER16»",
    sasl_plain_password="«s:b64_64»",
)
@@@ source python-snowflake-connector
ctx = snowflake.connector.connect(
    user="«u:user»",
    password="«s:pw»",
    account="«a:lan8»-«b:lan7»",
    warehouse="COMPUTE_WH",
)
@@@ source python-es-client
es = Elasticsearch("https://«h:host»:9243", api_key="«s:b64_60»")
@@@ source python-hf-login
from huggingface_hub import login
login(token="«s:hf»")
@@@ source python-telegram-bot
from telegram.ext import ApplicationBuilder
app = ApplicationBuilder().token("«s:telegram»").build()
@@@ source python-discord-bot
bot.run("«s:discord»")
@@@ source python-jupyter-cell
{
 "cell_type": "code",
 "execution_count": 3,
 "metadata": {},
 "outputs": [
  {
   "name": "stdout",
   "output_type": "stream",
   "text": [
    "using key «s:openai|first6»\n",
    "200 OK\n"
   ]
  }
 ],
 "source": [
  "import os\n",
  "os.environ[\"OPENAI_API_KEY\"] = \"«s»\"\n",
  "print(\"using key\", os.environ[\"OPENAI_API_KEY\"][:6] + \"...\")"
 ]
}
@@@ source jupyter-output-env
{
 "cell_type": "code",
 "execution_count": 7,
 "outputs": [
  {
   "data": {
    "text/plain": [
     "{'PATH': '/opt/conda/bin:/usr/bin', 'WANDB_API_KEY': '«s:hex40»', 'HOME': '/home/jovyan'}"
    ]
   },
   "execution_count": 7,
   "metadata": {},
   "output_type": "execute_result"
  }
 ],
 "source": ["dict(os.environ)"]
}
@@@ source js-console-log-object
$ node scripts/check-config.js
{
  port: 3000,
  mongoUri: 'mongodb://«u:user»:«s:pwu»@«h:host»:27017/shop',
  jwtSecret: '«s2:an64»',
  stripe: { secretKey: '«s3:sk_live»', webhookSecret: '«s4:whsec»' },
  features: [ 'checkout', 'wishlist' ]
}
@@@ source js-config-module
// config/production.js
module.exports = {
  sendgrid: {
    apiKey: '«s:sendgrid»',
    from: 'noreply@«w:word».com',
  },
  session: { secret: '«s2:hex64»', maxAge: 86400000 },
};
@@@ source ts-firebase-admin
import { initializeApp, cert } from "firebase-admin/app";

initializeApp({
  credential: cert({
    projectId: "«w:word»-prod",
    clientEmail: "firebase-adminsdk@«w»-prod.iam.gserviceaccount.com",
    privateKey: "«s:pem_pkcs8|jsonesc»",
  }),
});
@@@ source ts-axios-interceptor
api.interceptors.request.use((cfg) => {
  cfg.headers = { ...cfg.headers, "X-Shopify-Access-Token": "«s:shpat»" };
  return cfg;
});
@@@ source go-struct-plusv
2025/03/03 10:11:12 config loaded: {Addr::8080 DB:{Host:«h:host» Port:5432 User:«u:user» Password:«s:pw» Name:ledger SSLMode:require} Redis:{Addr:«h»:6379 Password:«s2:pw»} LogLevel:debug}
@@@ source go-source-const
package notify

const (
	twilioAccountSID = "«a:twsid»"
	twilioAuthToken  = "«s:hex32»"
	fromNumber       = "+1555«n:dig7»"
)
@@@ source go-http-setheader
req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "https://api.linear.app/graphql", body)
req.Header.Set("Authorization", "«s:linear»")
req.Header.Set("Content-Type", "application/json")
@@@ source rust-debug-struct
[2025-03-03T10:11:12Z DEBUG app::config] loaded Config {
    listen: 0.0.0.0:8080,
    database: DatabaseConfig {
        url: "postgres://«u:user»:«s:pwu»@«h:host»/app",
        pool: 16,
    },
    api_token: "«s2:an40»",
}
@@@ source rust-source-const
const CLOUDFLARE_TOKEN: &str = "«s:cfkey»";
const ZONE_ID: &str = "«z:hex32»";

async fn purge(client: &reqwest::Client) -> reqwest::Result<()> {
    client.post(format!("https://api.cloudflare.com/client/v4/zones/{ZONE_ID}/purge_cache"))
        .bearer_auth(CLOUDFLARE_TOKEN)
@@@ source java-tostring
2025-03-03 10:11:12.345  INFO 1 --- [main] c.a.b.config.DataSourceLogger : Using DataSourceProperties{url='jdbc:postgresql://«h:host»:5432/billing', username='«u:user»', password='«s:pw»', driverClassName='org.postgresql.Driver'}
@@@ source java-source-constant
public final class Secrets {
    private Secrets() {}
    public static final String MAPS_KEY = "«s:aiza»";
    public static final String JWT_SIGNING_KEY = "«s2:b64_64»";
}
@@@ source java-jdbc-getconnection
Connection conn = DriverManager.getConnection(
    "jdbc:oracle:thin:@//«h:host»:1521/ORCLPDB1", "«u:user»", "«s:pw»");
@@@ source java-pem-concatenated
private static final String PRIVATE_KEY =
    "«s:pem_ec|quoted»";
@@@ source kotlin-buildconfig
android {
    defaultConfig {
        buildConfigField("String", "REVENUECAT_KEY", "\"«k:an32»\"")
        buildConfigField("String", "API_BASE", "\"https://api.«h:host»\"")
    }
    signingConfigs {
        create("release") {
            storePassword = "«s2:pw»"
            keyAlias = "upload"
            keyPassword = "«s3:pw»"
        }
    }
}
@@@ source swift-constants
enum Keys {
    static let openWeather = "«s:hex32»"
    static let revenueCat = "appl_«p:an24»"
}
@@@ source csharp-connection
var builder = new SqlConnectionStringBuilder
{
    DataSource = "«h:host»",
    InitialCatalog = "Orders",
    UserID = "«u:user»",
    Password = "«s:pw»",
};
@@@ source csharp-httpclient
_client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "«s:jwt»");
_client.DefaultRequestHeaders.Add("Ocp-Apim-Subscription-Key", "«s2:hex32»");
@@@ source php-wp-config
define( 'DB_NAME', 'wordpress' );
define( 'DB_USER', '«u:user»' );
define( 'DB_PASSWORD', '«s:pw»' );
define( 'DB_HOST', 'localhost' );
define( 'AUTH_KEY',         '«s2:wpkey»' );
define( 'SECURE_AUTH_KEY',  '«s3:wpkey»' );
define( 'LOGGED_IN_SALT',   '«s4:wpkey»' );
@@@ source php-var-dump
array(4) {
  ["driver"]=>
  string(5) "mysql"
  ["host"]=>
  string(9) "127.0.0.1"
  ["username"]=>
  string(5) "forge"
  ["password"]=>
  string(20) "«s:an20»"
}
@@@ source php-print-r
Array
(
    [mailer] => smtp
    [host] => smtp.mailgun.org
    [username] => postmaster@mg.«w:word».com
    [password] => «s:mgpw»
    [api_key] => «s2:mailgun»
)
@@@ source ruby-inspect
#<Aws::Credentials access_key_id="«a:akia»" secret_access_key="«s:aws_secret»">
#<User id: 42, email: "«u:user»@example.com", api_token: "«s2:hex40»", created_at: "2025-03-01 10:00:00">
@@@ source ruby-initializer
# config/initializers/stripe.rb
Stripe.api_key = "«s:sk_live»"
Rails.configuration.stripe = { publishable_key: "«p:pk_live»" }
@@@ source ruby-database-yml-erb
production:
  adapter: postgresql
  database: «w:word»_production
  username: «u:user»
  password: <%= ENV.fetch("DB_PASSWORD") { "«s:pw»" } %>
@@@ source elixir-runtime-exs
config :my_app, MyApp.Repo,
  username: "«u:user»",
  password: "«s:pw»",
  hostname: "«h:host»",
  pool_size: 10

config :my_app, MyAppWeb.Endpoint, secret_key_base: "«s2:b64_64»"
@@@ source elixir-iex-inspect
iex(1)> Application.get_env(:ex_aws, :secret_access_key)
"«s:aws_secret»"
iex(2)> Application.get_env(:my_app, :mailgun)
[api_key: "«s2:mailgun»", domain: "mg.«w:word».com"]
@@@ source scala-config
db {
  url = "jdbc:postgresql://«h:host»/events"
  user = "«u:user»"
  password = "«s:pw»"
}
akka.http.server.idle-timeout = 60s
@@@ source lua-nginx
local redis = require "resty.redis"
local red = redis:new()
red:connect("«h:host»", 6379)
local ok, err = red:auth("«s:pw»")
@@@ source r-script
library(httr)
Sys.setenv(OPENAI_API_KEY = "«s:openai»")
res <- GET("https://api.«h:host»/v1/data", add_headers(Authorization = paste("Bearer", "«s2:an40»")))
@@@ source julia-script
using HTTP, JSON3
const TOKEN = "«s:ghp»"
r = HTTP.get("https://api.github.com/user"; headers = ["Authorization" => "token $TOKEN"])
@@@ source perl-dbi
my $dbh = DBI->connect("dbi:Pg:dbname=ledger;host=«h:host»", "«u:user»", "«s:pw»", { RaiseError => 1 });
@@@ source powershell-script
$pat = "«s:lan52»"
$auth = [Convert]::ToBase64String([Text.Encoding]::ASCII.GetBytes(":$pat"))
Invoke-RestMethod -Uri "https://dev.azure.com/acme/_apis/projects?api-version=7.0" -Headers @{ Authorization = "Basic $auth" }
@@@ source batch-file
@echo off
set SQLCMDPASSWORD=«s:pw»
sqlcmd -S «h:host» -U «u:user» -d Reporting -i nightly.sql
@@@ source makefile
REGISTRY := registry.«h:host»
REGISTRY_USER := «u:user»
REGISTRY_PASS := «s:pw»

login:
	@echo $(REGISTRY_PASS) | docker login $(REGISTRY) -u $(REGISTRY_USER) --password-stdin
@@@ source dockerfile-env-arg
FROM python:3.12-slim
ARG PIP_EXTRA_INDEX_URL=https://«u:user»:«s:pwu»@pypi.«h:host»/simple
ENV SENTRY_AUTH_TOKEN=«s2:sentry»
RUN pip install --no-cache-dir -r requirements.txt
@@@ source nix-config
{
  services.grafana.settings.security = {
    admin_user = "admin";
    admin_password = "«s:pw»";
    secret_key = "«s2:an32»";
  };
}
@@@ source hcl-terraform-provider
provider "github" {
  owner = "acme"
  token = "«s:ghp»"
}

provider "datadog" {
  api_key = "«s2:hex32»"
  app_key = "«s3:hex40»"
}
@@@ source hcl-tfvars
# terraform.tfvars
region          = "eu-west-1"
db_password     = "«s:pw»"
pagerduty_token = "«s2:an20»"
@@@ source bicep-param
param location string = resourceGroup().location
param adminUsername string = '«u:user»'
param adminPassword string = '«s:pw»'
@@@ source chef-data-bag
{
  "id": "mysql",
  "root_password": "«s:pw»",
  "replication_password": "«s2:pw»"
}
@@@ source groovy-jenkinsfile
pipeline {
  agent any
  environment {
    NEXUS_PASS = '«s:pw»'
  }
  stages {
    stage('Publish') {
      steps {
        sh "./gradlew publish -PnexusUser=deploy -PnexusPassword=${NEXUS_PASS}"
      }
    }
  }
}
@@@ source sql-create-user
-- migrations/0007_reporting_user.sql
CREATE USER «u:user» IDENTIFIED BY '«s:pw»';
GRANT SELECT ON analytics.* TO «u»;
@@@ source sql-alter-role
ALTER ROLE «u:user» WITH LOGIN PASSWORD '«s:pw»' VALID UNTIL 'infinity';
@@@ source sql-oracle-create
CREATE USER app_«u:lan6» IDENTIFIED BY "«s:pw»" DEFAULT TABLESPACE users QUOTA UNLIMITED ON users;
@@@ source sql-mssql-login
CREATE LOGIN [«u:user»] WITH PASSWORD = N'«s:pw»', CHECK_POLICY = OFF;
@@@ source sql-insert-api-key
INSERT INTO integrations (name, provider, api_key, created_at) VALUES ('crm', 'hubspot', 'pat-eu1-«s:uuid»', NOW());
@@@ source sql-migration-connstring
-- 2025_03_01_add_fdw.sql
CREATE SERVER legacy FOREIGN DATA WRAPPER postgres_fdw OPTIONS (host '«h:host»', dbname 'legacy');
CREATE USER MAPPING FOR app SERVER legacy OPTIONS (user '«u:user»', password '«s:pw»');
@@@ source grep-n-source-hit
src/lib/mailer.ts:7:const MAILJET_SECRET = "«s:hex32»";
src/lib/mailer.ts:8:const MAILJET_KEY = "«s2:hex32»";
src/lib/mailer.ts:22:  auth: { user: MAILJET_KEY, pass: MAILJET_SECRET },
@@@ source git-diff-python
diff --git a/tests/conftest.py b/tests/conftest.py
index «a:sha7»..«b:sha7» 100644
--- a/tests/conftest.py
+++ b/tests/conftest.py
@@ -3,7 +3,7 @@ import pytest
 
 @pytest.fixture
 def client():
-    return Client(api_key=os.environ["ASANA_TOKEN"])
+    return Client(api_key="2/«n:dig16»/«n2:dig16»:«s:hex32»")
@@@ source jwk-private-ec
{
  "kty": "EC",
  "crv": "P-256",
  "kid": "«k:hex16»",
  "x": "«x:b64u43»",
  "y": "«y:b64u43»",
  "d": "«s:b64u43»"
}
@@@ source jwk-private-okp
const key = await importJWK({ kty: "OKP", crv: "Ed25519", x: "«x:b64u43»", d: "«s:b64u43»" }, "EdDSA");
@@@ source putty-ppk
PuTTY-User-Key-File-3: ssh-ed25519
Encryption: none
Comment: eddsa-key-20250303
Public-Lines: 2
AAAAC3NzaC1lZDI1NTE5AAAAI«p:b64_40»
«p2:b64_8»
Private-Lines: 1
AAAAI«s:b64_39»
Private-MAC: «m:sha64»
@@@ source cat-n-pem-file
$ cat -n certs/server.key | head -40
«s:pem_rsa|catn:1»
@@@ source readtool-pem
     1→# Private key for the staging signer. Do not commit.
«s:pem_ec|readtool:2»
@@@ source sed-n-yaml-pem
$ sed -n '30,40p' charts/gateway/values-prod.yaml
tls:
  enabled: true
  key: |
«s:pem_ec|indent:4»
@@@ source ruby-session-cookie-secret
Rails.application.config.session_store :cookie_store, key: "_«w:word»_session"
Rails.application.config.secret_key_base = "«s:railskey»"
@@@ source go-jwt-sign-key
var signingKey = []byte("«s:an32»")

func issue(userID string) (string, error) {
	return jwt.NewWithClaims(jwt.SigningMethodHS256, jwt.MapClaims{"sub": userID}).SignedString(signingKey)
}
@@@ source python-fernet
from cryptography.fernet import Fernet
f = Fernet(b"«s:fernet»")
print(f.decrypt(token))
@@@ source python-hmac-webhook
WEBHOOK_SECRET = b"«s:whsec»"
def verify(payload: bytes, signature: str) -> bool:
    expected = hmac.new(WEBHOOK_SECRET, payload, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)
@@@ source ansible-task-plain
- name: create app db user
  community.postgresql.postgresql_user:
    name: «u:user»
    password: "«s:pw»"
    login_host: "{{ db_host }}"
    login_password: "«s2:pw»"
@@@ source neg-python-env-lookups
import os

OPENAI_API_KEY = os.environ["OPENAI_API_KEY"]
DB_PASSWORD = os.getenv("DB_PASSWORD", "")
STRIPE_KEY = settings.STRIPE_SECRET_KEY
TOKEN_URL = "https://oauth2.googleapis.com/token"
@@@ source neg-python-getpass
def prompt_credentials() -> tuple[str, str]:
    user = input("Username: ")
    password = getpass.getpass("Password: ")
    if len(password) < 12:
        raise ValueError("password must be at least 12 characters")
    return user, password
@@@ source neg-python-secretstr-repr
>>> Settings()
Settings(env='prod', database_url=MultiHostUrl('postgresql://«u:user»:***@«h:host»:5432/app'), openai_api_key=SecretStr('**********'), slack_token=SecretStr('**********'), workers=4)
@@@ source neg-python-keyring
import keyring

def get_token(service: str = "«w:word»-cli") -> str:
    token = keyring.get_password(service, getpass.getuser())
    if token is None:
        raise RuntimeError(f"no token stored for {service}; run `«w» login` first")
    return token
@@@ source neg-python-hmac-compare
def verify_signature(secret: bytes, body: bytes, header: str) -> bool:
    timestamp, _, signature = header.partition(",v1=")
    mac = hmac.new(secret, f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(mac, signature)
@@@ source neg-python-regex-patterns
SECRET_PATTERNS = [
    re.compile(r"(?i)(api[_-]?key|secret|token|password)\s*[:=]\s*['\"]?([A-Za-z0-9_\-]{16,})"),
    re.compile(r"AKIA[0-9A-Z]{16}"),
    re.compile(r"-----BEGIN [A-Z ]+ KEY-----"),
]
@@@ source neg-python-test-hash
def test_password_hash_roundtrip():
    hashed = hasher.hash(password_from_fixture)
    assert hasher.verify(hashed, password_from_fixture)
    assert hashed.startswith("$argon2id$v=19$m=65536,t=3,p=4$")
@@@ source neg-python-uuid-ids
>>> [str(uuid.uuid4()) for _ in range(3)]
['«a:uuid»', '«b:uuid»', '«c:uuid»']
>>> hashlib.sha256(b"hello").hexdigest()
'2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824'
@@@ source neg-python-dataclass-masked
ERROR smtp: login failed for SmtpConfig(host='smtp.«h:host»', port=587, username='«u:user»', password='********', starttls=True)
@@@ source neg-python-traceback-keyerror
Traceback (most recent call last):
  File "/srv/app/settings.py", line 14, in <module>
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]
                 ~~~~~~~~~~^^^^^^^^^^^^^^^^^^^^^
  File "<frozen os>", line 714, in __getitem__
KeyError: 'DJANGO_SECRET_KEY'
@@@ source neg-python-boto3-default-chain
session = boto3.Session(profile_name=os.environ.get("AWS_PROFILE", "default"))
secrets = session.client("secretsmanager")
value = secrets.get_secret_value(SecretId="prod/db/password")["SecretString"]
@@@ source neg-js-process-env
const config = {
  port: Number(process.env.PORT ?? 3000),
  jwtSecret: process.env.JWT_SECRET,
  stripe: { secretKey: process.env.STRIPE_SECRET_KEY!, apiVersion: "2024-06-20" },
  publicKey: "«p:pk_live»",
};
@@@ source neg-js-console-log-redacted
{
  port: 3000,
  mongoUri: 'mongodb://«u:user»:<redacted>@«h:host»:27017/shop',
  jwtSecret: '[REDACTED]',
  stripe: { secretKey: 'sk_live_…', webhookSecret: undefined },
  requestId: '«r:uuid»'
}
@@@ source neg-ts-types
export interface OAuthTokenResponse {
  access_token: string;
  refresh_token?: string;
  token_type: "Bearer";
  expires_in: number;
  id_token?: string;
}
@@@ source neg-go-struct-tags
type Config struct {
	DatabaseURL string `env:"DATABASE_URL,required"`
	APIKey      string `env:"API_KEY" json:"-"`
	JWTSecret   []byte `env:"JWT_SECRET,file"`
	Timeout     time.Duration `env:"TIMEOUT" envDefault:"5s"`
}
@@@ source neg-go-plusv-redacted
2025/03/03 10:11:12 config loaded: {Addr::8080 DB:{Host:«h:host» Port:5432 User:«u:user» Password:REDACTED Name:ledger} Trace:{Endpoint:otel:4317 Sampler:0.1}}
@@@ source neg-rust-secrecy-debug
[2025-03-03T10:11:12Z DEBUG app::config] loaded Config {
    listen: 0.0.0.0:8080,
    database_url: Secret([REDACTED alloc::string::String]),
    api_token: Secret([REDACTED alloc::string::String]),
    request_id_header: "x-request-id",
}
@@@ source neg-java-tostring-masked
DataSourceProperties{url='jdbc:postgresql://«h:host»:5432/billing', username='«u:user»', password='******', driverClassName='org.postgresql.Driver'}
@@@ source neg-java-value-annotation
@Value("${stripe.secret-key}")
private String stripeSecretKey;

@Value("${jwt.signing-key:#{null}}")
private String jwtSigningKey;
@@@ source neg-kotlin-buildconfig-from-props
val localProps = Properties().apply { load(rootProject.file("local.properties").inputStream()) }
android {
    defaultConfig {
        buildConfigField("String", "MAPS_API_KEY", "\"${localProps.getProperty("MAPS_API_KEY", "")}\"")
    }
}
@@@ source neg-swift-keychain
let query: [String: Any] = [
    kSecClass as String: kSecClassGenericPassword,
    kSecAttrService as String: "com.acme.«w:word».token",
    kSecReturnData as String: true,
]
var item: CFTypeRef?
let status = SecItemCopyMatching(query as CFDictionary, &item)
@@@ source neg-csharp-configuration
var connectionString = builder.Configuration.GetConnectionString("Default")
    ?? throw new InvalidOperationException("Connection string 'Default' not found.");
var apiKey = builder.Configuration["Stripe:SecretKey"];
builder.Services.AddDataProtection().PersistKeysToAzureBlobStorage(new Uri(blobUri), new DefaultAzureCredential());
@@@ source neg-php-wp-config-placeholders
define( 'DB_PASSWORD', getenv('WORDPRESS_DB_PASSWORD') );
define( 'AUTH_KEY',         'put your unique phrase here' );
define( 'SECURE_AUTH_KEY',  'put your unique phrase here' );
define( 'NONCE_SALT',       'put your unique phrase here' );
@@@ source neg-php-var-dump-no-secret
array(3) {
  ["driver"]=>
  string(5) "mysql"
  ["password"]=>
  string(0) ""
  ["request_id"]=>
  string(32) "«r:hex32»"
}
@@@ source neg-ruby-credentials-access
Stripe.api_key = Rails.application.credentials.dig(:stripe, :secret_key)
Sentry.init do |config|
  config.dsn = ENV["SENTRY_DSN"]
  config.traces_sample_rate = 0.1
end
@@@ source neg-ruby-inspect-filtered
#<User id: 42, email: "«u:user»@example.com", api_token: [FILTERED], encrypted_password: [FILTERED], created_at: "2025-03-01 10:00:00">
@@@ source neg-elixir-runtime-env
config :my_app, MyApp.Repo,
  url: System.fetch_env!("DATABASE_URL"),
  pool_size: String.to_integer(System.get_env("POOL_SIZE") || "10")

config :my_app, MyAppWeb.Endpoint, secret_key_base: System.fetch_env!("SECRET_KEY_BASE")
@@@ source neg-hcl-variables
variable "db_password" {
  description = "Master password for the RDS instance"
  type        = string
  sensitive   = true
}

resource "aws_db_instance" "main" {
  password = var.db_password
  kms_key_id = aws_kms_key.db.arn
}
@@@ source neg-hcl-random-password
resource "random_password" "db" {
  length           = 32
  special          = true
  override_special = "!#$%&*()-_=+[]{}<>:?"
}

resource "aws_secretsmanager_secret_version" "db" {
  secret_id     = aws_secretsmanager_secret.db.id
  secret_string = random_password.db.result
}
@@@ source neg-terraform-state-sensitive
{
  "version": 4,
  "terraform_version": "1.9.5",
  "serial": 88,
  "lineage": "«l:uuid»",
  "outputs": {
    "db_endpoint": { "value": "«w:word».«c:lan12».eu-west-1.rds.amazonaws.com", "type": "string" }
  },
  "resources": [{ "mode": "managed", "type": "aws_iam_access_key", "name": "ci",
    "instances": [{ "attributes": { "id": "«a:akia»", "user": "ci", "status": "Active", "encrypted_secret": "«e:b64_300»", "pgp_key": "keybase:«u:user»" }, "sensitive_attributes": [] }] }]
}
@@@ source neg-dockerfile-secret-mount
# syntax=docker/dockerfile:1.7
FROM node:20-alpine
WORKDIR /app
COPY package*.json ./
RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci --omit=dev
ARG GIT_SHA=«c:sha40»
@@@ source neg-makefile-env-pass
deploy:
	@test -n "$(DEPLOY_TOKEN)" || (echo "DEPLOY_TOKEN is not set" && exit 1)
	curl -fsS -H "Authorization: Bearer $(DEPLOY_TOKEN)" https://deploy.«h:host»/hooks/«w:word»
@@@ source neg-powershell-get-credential
$cred = Get-Credential -UserName "CORP\«u:user»" -Message "Password for the deploy account"
$secure = Read-Host -AsSecureString -Prompt "API key"
Connect-AzAccount -Credential $cred -Tenant «t:uuid»
@@@ source neg-sql-grants
CREATE ROLE reporting NOLOGIN;
GRANT USAGE ON SCHEMA analytics TO reporting;
CREATE USER «u:user» IDENTIFIED EXTERNALLY;
ALTER USER «u» PASSWORD EXPIRE;
-- the password is set by the vault database secrets engine
@@@ source neg-sql-select-hash-columns
SELECT id, email, password_reset_token_expires_at, api_key_last4, token_version
FROM users
WHERE api_key_last4 = '«a:hex4»' AND token_version > 2;
@@@ source neg-nix-sops-refs
{
  sops.secrets."grafana/admin_password" = { owner = "grafana"; };
  services.grafana.settings.security = {
    admin_user = "admin";
    admin_password = "$__file{${config.sops.secrets."grafana/admin_password".path}}";
  };
}
@@@ source neg-lua-ngx-env
local token = os.getenv("UPSTREAM_TOKEN")
if not token then
  ngx.log(ngx.ERR, "UPSTREAM_TOKEN not set")
  return ngx.exit(500)
end
ngx.req.set_header("Authorization", "Bearer " .. token)
@@@ source neg-r-keyring
library(keyring)
token <- key_get("github_pat", username = Sys.getenv("USER"))
gh::gh("/user", .token = token)
@@@ source neg-jupyter-output-ids
{
 "cell_type": "code",
 "execution_count": 12,
 "outputs": [
  {
   "name": "stdout",
   "output_type": "stream",
   "text": [
    "run_id=«r:hex32» experiment=«e:dig15»\n",
    "artifact sha256=«d:sha64»\n"
   ]
  }
 ],
 "source": ["print(f\"run_id={run.info.run_id} experiment={exp_id}\")"]
}
@@@ source neg-grep-rn-code
$ grep -rn "API_KEY" src/
src/config.ts:4:export const API_KEY = import.meta.env.VITE_PUBLIC_POSTHOG_KEY;
src/lib/client.ts:18:  headers: { "x-api-key": getApiKey() },
src/lib/client.ts:31:function getApiKey(): string {
@@@ source neg-git-diff-removed-ref
diff --git a/app/settings.py b/app/settings.py
index «a:sha7»..«b:sha7» 100644
--- a/app/settings.py
+++ b/app/settings.py
@@ -10,4 +10,4 @@ DATABASES = {"default": env.db("DATABASE_URL")}
-SECRET_KEY = env("SECRET_KEY", default=None)
+SECRET_KEY = env.str("DJANGO_SECRET_KEY")
 SESSION_COOKIE_SECURE = True
 CSRF_TRUSTED_ORIGINS = ["https://«w:word».example.com"]
@@@ source neg-aws-docs-example-keys
# From the AWS docs: these are the documented example credentials, not real ones.
[default]
aws_access_key_id = «a:awsexid»
aws_secret_access_key = «b:awsexsecret»
@@@ source neg-pem-public-in-code
PUBLIC_KEY = '''
«p:pubpem»
'''
def verify(token: str) -> dict:
    return jwt.decode(token, PUBLIC_KEY, algorithms=["RS256"], audience="api")
@@@ source neg-certificate-in-code
const caCert = `«c:cert»`;
export const agent = new https.Agent({ ca: caCert });
@@@ source neg-openapi-security-schemes
components:
  securitySchemes:
    ApiKeyAuth:
      type: apiKey
      in: header
      name: X-API-Key
    bearerAuth:
      type: http
      scheme: bearer
      bearerFormat: JWT
@@@ url postgres-uri
postgresql://«u:user»:«s:pwu»@«h:host»:5432/ledger?sslmode=require&application_name=etl
@@@ url mysql-uri-urlenc
«!p:pw»DATABASE_URL=mysql://«u:user»:«s=urlenc(p)»@«h:host»:3306/shop
@@@ url mongodb-srv
mongodb+srv://«u:user»:«s:pwu»@cluster0.«c:lan5».mongodb.net/?retryWrites=true&w=majority&appName=Cluster0
@@@ url redis-tls-uri
rediss://default:«s:an32»@«w:word»-12345.c1.eu-west-1-2.ec2.cloud.redislabs.com:12345/0
@@@ url amqp-uri
amqps://«u:user»:«s:pwu»@b-«i:uuid».mq.eu-west-1.amazonaws.com:5671/%2F
@@@ url nats-uri
nats://«u:user»:«s:pwu»@«h:host»:4222
@@@ url kafka-sasl-url
kafka+sasl_ssl://«u:user»:«s:pwu»@«h:host»:9094?mechanism=SCRAM-SHA-256
@@@ url clickhouse-http
https://«u:user»:«s:pwu»@«w:lan10».eu-central-1.aws.clickhouse.cloud:8443/?database=default
@@@ url elastic-uri
ELASTICSEARCH_URL=https://elastic:«s:an24»@«w:word».es.eu-west-1.aws.found.io:9243
@@@ url cassandra-astra
cassandra://token:AstraCS:«s:an24»:«s2:hex64»@«i:uuid»-eu-west-1.apps.astra.datastax.com:29042
@@@ url snowflake-uri
snowflake://«u:user»:«s:pwu»@«a:lan8»-«b:lan7»/analytics/public?warehouse=COMPUTE_WH&role=TRANSFORMER
@@@ url jdbc-password-param
jdbc:sqlserver://«h:host»:1433;databaseName=Orders;user=«u:user»;password=«s:pw»;encrypt=true
@@@ url jdbc-postgres-query-password
jdbc:postgresql://«h:host»:5432/billing?user=«u:user»&password=«s:pwu»&ssl=true
@@@ url ldap-uri
ldaps://cn=«u:user»,dc=corp,dc=local:«s:pwu»@ldap.«h:host»:636
@@@ url ftp-uri
ftp://«u:user»:«s:pwu»@ftp.«h:host»/exports/daily.csv
@@@ url sftp-uri
sftp://«u:user»:«s:pwu»@«ip:ip»:22/upload/
@@@ url smtp-uri
EMAIL_URL=smtp+tls://«u:user»%40«w:word».com:«s:pwu»@smtp.office365.com:587
@@@ url git-https-token
https://«u:user»:«s:ghp»@github.com/acme/«w:word».git
@@@ url git-gitlab-oauth2
git clone https://oauth2:«s:glpat»@gitlab.com/acme/platform/«w:word».git
@@@ url git-azure-devops-pat
https://«u:user»:«s:lan52»@dev.azure.com/acme/Platform/_git/«w:word»
@@@ url git-bitbucket-app-password
https://«u:user»:ATBB«s:an32»@bitbucket.org/acme/«w:word».git
@@@ url query-api-key
GET https://maps.googleapis.com/maps/api/geocode/json?address=Main+St&key=«s:aiza» HTTP/1.1
@@@ url query-access-token
https://graph.facebook.com/v19.0/me/accounts?access_token=EAA«s:b64u_180»&fields=name,id
@@@ url query-token-log
10.0.3.17 - - [03/Mar/2025:10:11:12 +0000] "GET /api/v1/export?format=csv&token=«s:an40» HTTP/1.1" 200 51233 "-" "python-requests/2.32.3"
@@@ url s3-presigned
«!t:aws_session»https://«w:word»-exports.s3.eu-west-1.amazonaws.com/report.csv?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=«a:asia»%2F20250303%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20250303T101112Z&X-Amz-Expires=3600&X-Amz-Security-Token=«s2=urlenc(t)»&X-Amz-SignedHeaders=host&X-Amz-Signature=«s:sha64»
@@@ url azure-sas-url
https://«a:lan12».blob.core.windows.net/backups/db.bak?sp=r&st=2025-03-03T10:00:00Z&se=2025-03-04T10:00:00Z&spr=https&sv=2022-11-02&sr=b&sig=«s:azsig»
@@@ url gcs-signed-url
https://storage.googleapis.com/«w:word»-media/video.mp4?X-Goog-Algorithm=GOOG4-RSA-SHA256&X-Goog-Credential=signer%40«w».iam.gserviceaccount.com%2F20250303%2Fauto%2Fstorage%2Fgoog4_request&X-Goog-Date=20250303T101112Z&X-Goog-Expires=900&X-Goog-SignedHeaders=host&X-Goog-Signature=«s:hex512»
@@@ url slack-webhook
SLACK_WEBHOOK_URL=https://hooks.slack.com/services/T«t:up10»/B«b:up10»/«s:slackhook»
@@@ url discord-webhook
https://discord.com/api/webhooks/«i:dig19»/«s:b64u_68»
@@@ url teams-webhook
https://acme.webhook.office.com/webhookb2/«g:uuid»@«t:uuid»/IncomingWebhook/«s:hex32»/«o:uuid»/V2«s2:b64u_43»
@@@ url telegram-api-url
https://api.telegram.org/bot«s:telegram»/sendMessage?chat_id=-100«c:dig10»&text=deploy+done
@@@ url raw-http-request
«!c:an20»«!p:an40»POST /oauth/token HTTP/1.1
Host: auth.«h:host»
Content-Type: application/x-www-form-urlencoded
Authorization: Basic «s=basic(c,p)»

grant_type=client_credentials&scope=read%3Areports
@@@ url raw-http-refresh
POST /oauth2/token HTTP/1.1
Host: oauth2.googleapis.com
Content-Type: application/x-www-form-urlencoded

client_id=«c:gclient»&client_secret=«s:gocspx»&refresh_token=«s2:grefresh»&grant_type=refresh_token
@@@ url http-response-tokens
HTTP/1.1 200 OK
Content-Type: application/json;charset=UTF-8
Cache-Control: no-store

{"access_token":"«s:jwtrs»","token_type":"Bearer","expires_in":3600,"refresh_token":"«s2:b64u_64»","scope":"openid profile"}
@@@ url http-set-cookie
HTTP/2 302
location: /dashboard
set-cookie: _«w:word»_session=«s:railscookie»; path=/; secure; HttpOnly; SameSite=Lax
set-cookie: remember_user_token=«s2:b64u_80»; path=/; expires=Mon, 31 Mar 2025 10:11:12 GMT; secure; HttpOnly
@@@ url http-cookie-request
GET /admin/ HTTP/1.1
Host: «h:host»
Cookie: csrftoken=«c:an32»; sessionid=«s:sessid»
User-Agent: Mozilla/5.0 (X11; Linux x86_64)
@@@ url http-express-cookie
GET /api/me HTTP/1.1
Host: localhost:3000
Cookie: connect.sid=«s:expresscookie»
@@@ url http-phpsessid
> GET /wp-admin/ HTTP/1.1
> Host: «w:word».example.com
> Cookie: PHPSESSID=«s:phpsess»; wordpress_logged_in_«h:hex32»=«u:user»%7C1741600000%7C«s2:an43»%7C«s3:hex64»
@@@ url har-excerpt
{
  "request": {
    "method": "GET",
    "url": "https://app.«h:host»/api/v2/projects",
    "headers": [
      { "name": "accept", "value": "application/json" },
      { "name": "authorization", "value": "Bearer «s:jwt»" },
      { "name": "cookie", "value": "__Host-session=«s2:b64u_48»; theme=dark" },
      { "name": "x-request-id", "value": "«r:uuid»" }
    ]
  }
}
@@@ url websocket-token
wss://stream.«h:host»/v1/live?auth=«s:an40»&channel=ticks
@@@ url proxy-url
HTTPS_PROXY=http://«u:user»:«s:pwu»@proxy.«h:host»:3128
@@@ url registry-url
npm install --registry https://«u:user»:«s:pwu»@nexus.«h:host»/repository/npm-group/
@@@ url oauth-redirect-code-token
https://app.«h:host»/callback#access_token=«s:ya29»&token_type=Bearer&expires_in=3599&scope=email%20profile
@@@ url magic-link
Your sign-in link: https://app.«h:host»/auth/magic?token=«s:b64u_43»&email=«u:user»%40example.com (valid 15 minutes)
@@@ url password-reset-link
Reset your password: https://«w:word».example.com/reset-password/«s:hex64»?email=«u:user»%40example.com
@@@ url supabase-connection
postgresql://postgres.«r:lan20»:«s:pwu»@aws-0-eu-central-1.pooler.supabase.com:6543/postgres
@@@ url influx-url
https://eu-central-1-1.aws.cloud2.influxdata.com/api/v2/write?org=acme&bucket=metrics&precision=s -H "Authorization: Token «s:b64u_86»=="
@@@ url neo4j-uri
NEO4J_URI=neo4j+s://«u:user»:«s:pwu»@«c:hex8».databases.neo4j.io
@@@ url mssql-ado
Server=tcp:«h:host»,1433;Database=Orders;User Id=«u:user»;Password=«s:pw»;TrustServerCertificate=True
@@@ url azure-servicebus-conn
Endpoint=sb://«w:word».servicebus.windows.net/;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=«s:b64_44»
@@@ url azure-storage-conn
DefaultEndpointsProtocol=https;AccountName=«a:lan12»;AccountKey=«s:azkey»;EndpointSuffix=core.windows.net
@@@ url azure-cosmos-conn
AccountEndpoint=https://«w:word».documents.azure.com:443/;AccountKey=«s:azkey»;
@@@ url iothub-conn
HostName=«w:word».azure-devices.net;DeviceId=sensor-«n:dig3»;SharedAccessKey=«s:b64_44»
@@@ url neg-uri-no-password
postgresql://«u:user»@«h:host»:5432/ledger?sslmode=verify-full&sslrootcert=/etc/ssl/rds-ca.pem
@@@ url neg-uri-env-password
DATABASE_URL=postgres://${DB_USER}:${DB_PASSWORD}@${DB_HOST}:5432/${DB_NAME}
@@@ url neg-uri-masked
mongodb+srv://«u:user»:****@cluster0.«c:lan5».mongodb.net/?retryWrites=true&w=majority
@@@ url neg-uri-placeholder
redis://:<password>@localhost:6379/0
amqp://USERNAME:PASSWORD@rabbitmq.example.com:5672/vhost
@@@ url neg-git-ssh-remote
git@github.com:acme/«w:word».git
ssh://git@gitlab.«h:host»:2222/platform/«w»-api.git
@@@ url neg-git-https-no-creds
https://github.com/acme/«w:word»/commit/«c:sha40»#diff-«d:sha64»
@@@ url neg-github-urls-ids
https://github.com/acme/«w:word»/actions/runs/«r:dig11»/job/«j:dig11»?pr=«p:dig4»
https://github.com/acme/«w»/blob/«c:sha40»/src/auth/token.ts#L42-L57
@@@ url neg-s3-unsigned
https://«w:word»-public.s3.eu-west-1.amazonaws.com/releases/v2.3.1/«w»-linux-amd64.tar.gz.sha256
@@@ url neg-s3-presign-headers-only
X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=«a:akia»%2F20250303%2Feu-west-1%2Fs3%2Faws4_request&X-Amz-Date=20250303T101112Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host
@@@ url neg-oauth-authorize-url
https://accounts.google.com/o/oauth2/v2/auth?client_id=«c:gclient»&redirect_uri=https%3A%2F%2Fapp.«h:host»%2Fcallback&response_type=code&scope=openid%20email&state=«st:b64u_22»&code_challenge=«cc:b64u43»&code_challenge_method=S256
@@@ url neg-sentry-dsn
SENTRY_DSN=https://«k:hex32»@o«o:dig6».ingest.us.sentry.io/«p:dig16»
@@@ url neg-youtube-cdn-ids
https://www.youtube.com/watch?v=«v:b64u_11»&list=PL«l:b64u_32»&index=3
https://cdn.«h:host»/assets/app.«c:hex20».js?v=«d:hex8»
@@@ url neg-google-docs-id
https://docs.google.com/spreadsheets/d/«d:b64u_44»/edit#gid=«g:dig9»
@@@ url neg-cloudfront-ids
HTTP/2 200
content-type: application/json
x-cache: Miss from cloudfront
via: 1.1 «v:hex32».cloudfront.net (CloudFront)
x-amz-cf-pop: FRA56-P4
x-amz-cf-id: «i:b64u_56»==
x-amzn-requestid: «r:uuid»
x-amzn-trace-id: Root=1-«t:hex8»-«t2:hex24»
@@@ url neg-traceparent
GET /api/v1/orders HTTP/1.1
Host: api.«h:host»
traceparent: «t:trace»
tracestate: rojo=«r:hex16»,congo=t61rcWkgMzE
X-Request-ID: «q:uuid»
If-None-Match: W/"«e:hex40»"
@@@ url neg-csp-header
Content-Security-Policy: default-src 'self'; script-src 'self' 'nonce-«n:b64_24»' 'sha256-«h:b64_44»'; report-uri https://o«o:dig6».ingest.sentry.io/api/«p:dig7»/security/?sentry_key=«k:hex32»
Strict-Transport-Security: max-age=63072000; includeSubDomains; preload
@@@ url neg-www-authenticate
HTTP/1.1 401 Unauthorized
WWW-Authenticate: Bearer realm="api", error="invalid_token", error_description="The access token expired"
WWW-Authenticate: Basic realm="Restricted", charset="UTF-8"
Content-Length: 0
@@@ url neg-http-request-no-auth
POST /api/v1/login HTTP/1.1
Host: app.«h:host»
Content-Type: application/json
X-CSRF-Token: missing
Content-Length: 58

{"email":"«u:user»@example.com","password":"","remember":true}
@@@ url neg-har-redacted
{
  "request": {
    "method": "POST",
    "url": "https://api.«h:host»/graphql",
    "headers": [
      { "name": "authorization", "value": "Bearer [REDACTED]" },
      { "name": "cookie", "value": "[REDACTED]" },
      { "name": "x-apollo-operation-name", "value": "ListProjects" }
    ],
    "postData": { "mimeType": "application/json", "text": "{\"operationName\":\"ListProjects\",\"variables\":{\"first\":20}}" }
  },
  "timings": { "send": 0.12, "wait": 180.4, "receive": 2.3 }
}
@@@ url neg-set-cookie-nonsecret
set-cookie: theme=dark; Path=/; Max-Age=31536000
set-cookie: _ga=GA1.1.«g:dig10».«e:epoch»; Domain=.«h:host»; Expires=Fri, 06 Mar 2026 10:11:12 GMT
set-cookie: locale=en-GB; Path=/; SameSite=Lax
@@@ url neg-jwks-url
https://login.microsoftonline.com/«t:uuid»/discovery/v2.0/keys
https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_«p:an9»/.well-known/jwks.json
@@@ url neg-data-uri
<img alt="logo" src="data:image/png;base64,«i:b64img»">
@@@ url neg-magnet-hashes
magnet:?xt=urn:btih:«h:HEX40»&dn=ubuntu-24.04.1-live-server-amd64.iso&tr=https%3A%2F%2Ftorrent.ubuntu.com%2Fannounce
@@@ url neg-swagger-petstore-demo
curl -X GET "https://petstore.swagger.io/v2/pet/findByStatus?status=available" -H "accept: application/json" -H "api_key: special-key"
@@@ url neg-apache-log-no-token
«ip:ip» - - [03/Mar/2025:10:11:12 +0000] "GET /static/js/main.«c:hex8».chunk.js HTTP/2.0" 200 182233 "https://«h:host»/login?next=%2Fsettings%2Ftokens" "Mozilla/5.0"
@@@ url neg-jdbc-integrated
jdbc:sqlserver://«h:host»:1433;databaseName=Orders;integratedSecurity=true;authenticationScheme=JavaKerberos;encrypt=true
@@@ url neg-azure-conn-managed-identity
Endpoint=sb://«w:word».servicebus.windows.net/;Authentication=Managed Identity
AccountName=«a:lan12»;DefaultEndpointsProtocol=https;EndpointSuffix=core.windows.net
@@@ url neg-oci-image-refs
ghcr.io/acme/«w:word»@sha256:«d:sha64»
public.ecr.aws/«r:lan8»/«w»-worker:«c:sha40»
@@@ url neg-openapi-url-params
GET https://api.«h:host»/v1/tokens?page_token=&page_size=50&include_revoked=false HTTP/1.1
Accept: application/json
@@@ url neg-stripe-dashboard-urls
https://dashboard.stripe.com/payments/«p:stripe_id»
https://dashboard.stripe.com/customers/cus_«c:an14»
https://dashboard.stripe.com/acct_«a:an16»/events/evt_«e:an24»
@@@ plain chat-user-pasted-key
Thanks! Here's my key so you can test it: «s:anthropic» — please don't commit it anywhere.
@@@ plain chat-agent-quotes-token
I found the problem: `config/prod.yaml` line 14 hard-codes the GitHub token `«s:ghp»`. I'll move it to an environment variable and you should revoke that token.
@@@ plain chat-agent-password-quote
The connection fails because the password in `.env` ("«s:pw»") contains a character that needs URL-encoding in DATABASE_URL.
@@@ plain chat-user-db-creds
user: can you connect to the staging db? host is «h:host», user «u:user», pass «s:pw»
@@@ plain chat-markdown-codeblock
Run this to reproduce:

```bash
export REPLICATE_API_TOKEN=«s:replicate»
python predict.py --model stability-ai/sdxl
```
@@@ plain logfmt-dsn
time=«t:date» level=info msg="connecting to database" dsn="postgres://«u:user»:«s:pwu»@«h:host»:5432/app?sslmode=disable" attempt=1
@@@ plain logfmt-token-field
ts=«t:date» level=debug caller=client.go:88 component=uploader msg="request" method=PUT url=https://api.«h:host»/v2/blobs token=«s:an40» status=201 took=88ms
@@@ plain json-log-headers
{"level":"debug","ts":"«t:date»","logger":"http","msg":"outgoing request","method":"POST","url":"https://api.sendgrid.com/v3/mail/send","headers":{"Authorization":["Bearer «s:sendgrid»"],"Content-Type":["application/json"]}}
@@@ plain json-log-config-dump
{"@timestamp":"«t:date»","log.level":"INFO","message":"effective configuration","service.name":"billing","config":{"db":{"host":"«h:host»","user":"«u:user»","password":"«s:pw»"},"braintree":{"merchant_id":"«m:lan16»","private_key":"«s2:hex32»"}}}
@@@ plain pino-log
{"level":30,"time":«e:epoch»000,"pid":7,"hostname":"api-«c:lan5»","req":{"id":1,"method":"GET","url":"/v1/me","headers":{"host":"api.«h:host»","authorization":"Bearer «s:jwt»","user-agent":"okhttp/4.12.0"}},"msg":"request completed"}
@@@ plain spring-boot-env-actuator
$ curl -s localhost:8081/actuator/env | jq '.propertySources[1].properties'
{
  "spring.datasource.password": { "value": "«s:pw»", "origin": "System Environment Property \"SPRING_DATASOURCE_PASSWORD\"" },
  "spring.datasource.username": { "value": "«u:user»" }
}
@@@ plain rails-log-params
Started POST "/users/sign_in" for «ip:ip» at 2025-03-03 10:11:12 +0000
Processing by Devise::SessionsController#create as HTML
  Parameters: {"authenticity_token"=>"«c:b64u_86»", "user"=>{"email"=>"«u:user»@example.com", "password"=>"«s:pw»", "remember_me"=>"0"}, "commit"=>"Log in"}
@@@ plain laravel-exception-env
[2025-03-03 10:11:12] production.ERROR: SQLSTATE[HY000] [1045] Access denied for user '«u:user»'@'10.0.0.12' (using password: YES) (Connection: mysql, SQL: select * from `users`) {"exception":"[object] (Illuminate\\Database\\QueryException(code: 1045)"}
#0 /var/www/vendor/laravel/framework/src/Illuminate/Database/Connectors/Connector.php(65): PDO->__construct('mysql:host=127....', '«u»', '«s:pw»', Array)
@@@ plain php-stack-args
PHP Fatal error:  Uncaught PDOException: SQLSTATE[08006] [7] connection to server failed in /var/www/html/db.php:12
Stack trace:
#0 /var/www/html/db.php(12): PDO->__construct('pgsql:host=«h:host»;dbname=shop', '«u:user»', '«s:pw»')
#1 /var/www/html/index.php(4): require_once('/var/www/html/d...')
@@@ plain java-stack-jdbc
org.postgresql.util.PSQLException: FATAL: password authentication failed for user "«u:user»"
	at org.postgresql.core.v3.ConnectionFactoryImpl.doAuthentication(ConnectionFactoryImpl.java:693)
	at com.acme.billing.Db.connect(Db.java:31)
Caused by: connection properties {user=«u», password=«s:pw», ssl=true, ApplicationName=billing}
@@@ plain celery-broker-banner
 -------------- celery@worker-«c:lan5» v5.4.0 (opalescent)
--- ***** -----
-- ******* ---- Linux-6.8.0-x86_64-with-glibc2.36 2025-03-03 10:11:12
- *** --- * ---
- ** ---------- [config]
- ** ---------- .> app:         tasks:0x7f3a2c1d
- ** ---------- .> transport:   amqp://«u:user»:«s:pwu»@«h:host»:5672//
- ** ---------- .> results:     redis://:«s2:pwu»@«h»:6379/1
@@@ plain sidekiq-redis-url
2025-03-03T10:11:12.000Z pid=1 tid=3sx INFO: Booting Sidekiq 7.2.4 with Sidekiq::RedisConnection::RedisClientAdapter options {:url=>"redis://:«s:hex32»@«h:host»:6379/0"}
@@@ plain nginx-error-upstream-auth
2025/03/03 10:11:12 [error] 31#31: *8812 upstream timed out (110: Connection timed out) while reading response header from upstream, client: «ip:ip», server: api, request: "GET /v1/feeds?api_key=«s:hex32» HTTP/1.1", upstream: "http://10.0.4.7:8080/v1/feeds?api_key=«s»"
@@@ plain docker-compose-up-log
api-1  | [info] Starting with config: {"port":8080,"adminToken":"«s:an32»","db":"postgres://app:«s2:pwu»@db/app"}
db-1   | 2025-03-03 10:11:12.001 UTC [1] LOG:  database system is ready to accept connections
@@@ plain k8s-pod-logs
$ kubectl logs deploy/auth -n auth --tail=3
2025-03-03T10:11:12Z INFO  starting auth service on :8080
2025-03-03T10:11:12Z DEBUG oidc client configured: client_id=«c:uuid» client_secret=«s:b64u_40» issuer=https://login.«h:host»
2025-03-03T10:11:13Z INFO  ready
@@@ plain github-actions-log-unmasked
2025-03-03T10:11:12.4412Z ##[group]Run ./scripts/release.sh
2025-03-03T10:11:12.4413Z ./scripts/release.sh
2025-03-03T10:11:12.4460Z shell: /usr/bin/bash -e {0}
2025-03-03T10:11:12.4461Z env:
2025-03-03T10:11:12.4461Z   PYPI_TOKEN: «s:pypi»
2025-03-03T10:11:12.4462Z ##[endgroup]
@@@ plain jenkins-console-log
[Pipeline] sh
+ curl -s -X POST -H 'X-JFrog-Art-Api: AKCp«s:an69»' https://acme.jfrog.io/artifactory/api/build
{ "status": "ok" }
[Pipeline] }
@@@ plain circleci-step-output
#!/bin/bash -eo pipefail
echo "//registry.npmjs.org/:_authToken=«s:npm»" > ~/.npmrc && npm publish
+ @acme/ui@4.2.0
CircleCI received exit code 0
@@@ plain tool-output-truncated-json
{"id":"«i:uuid»","name":"ci-bot","scopes":["repo","workflow"],"token":"«s:ghpat|trunc»
[output truncated: 18.3 KB total]
@@@ plain ansi-colored-table
␛[1mNAME␛[0m        ␛[1mVALUE␛[0m
␛[36mDB_HOST␛[0m     «h:host»
␛[36mDB_PASS␛[0m     ␛[33m«s:pw»␛[0m
␛[36mAPI_KEY␛[0m     ␛[33m«s2:an40»␛[0m
@@@ plain readtool-env-file
     1→# Local development only
     2→PORT=3000
     3→DATABASE_URL=postgres://postgres:«s:pwu»@localhost:5432/app
     4→CLERK_SECRET_KEY=sk_live_«s2:an40»
     5→RESEND_API_KEY=«s3:resend»
     6→
@@@ plain readtool-truncated-line
   212→  "client_secret": "«s:gocspx»",
   213→  "refresh_token": "«s2:grefresh»",
   214→  "token_uri": "https://oauth2.googleapis.com/token",
   215→  "scopes": ["https://www.googleapis.com/auth/drive.readonly"]
@@@ plain cat-n-config
$ cat -n /etc/grafana/grafana.ini | sed -n '60,66p'
    60	[security]
    61	admin_user = admin
    62	admin_password = «s:pw»
    63	secret_key = «s2:an20»
    64	disable_gravatar = true
@@@ plain email-headers
Received: from mail-«c:lan8».google.com (mail.google.com [«ip:ip»])
Date: Mon, 3 Mar 2025 10:11:12 +0000
From: GitHub <noreply@github.com>
To: «u:user»@example.com
Subject: [GitHub] A new personal access token was created
X-GitHub-Reason: security_alert
Message-ID: <«m:hex32»@github.com>

Hi @«u», a token was added to your account. Token: «s:ghp» (shown once)
@@@ plain email-smtp-auth-transcript
«!u:user»«!a:pw»S: 220 smtp.«h:host» ESMTP Postfix
C: EHLO build-01
S: 250-AUTH PLAIN LOGIN
C: AUTH PLAIN «s=plain(u,a)»
S: 235 2.7.0 Authentication successful
@@@ plain imap-login-transcript
* OK [CAPABILITY IMAP4rev1 AUTH=PLAIN] Dovecot ready.
a1 LOGIN «u:user»@«w:word».com «s:pw»
a1 OK [CAPABILITY IMAP4rev1 SORT THREAD=REFERENCES] Logged in
@@@ plain psql-conninfo-error
psql: error: connection to server at "«h:host»" («ip:ip»), port 5432 failed: FATAL:  password authentication failed for user "«u:user»"
hint: tried connection string "host=«h» port=5432 dbname=ledger user=«u» password=«s:pw» sslmode=require"
@@@ plain mysql-general-log
2025-03-03T10:11:12.123456Z	   12 Query	CREATE USER '«u:user»'@'%' IDENTIFIED BY '«s:pw»'
2025-03-03T10:11:12.223456Z	   12 Query	GRANT SELECT, INSERT ON shop.* TO '«u»'@'%'
@@@ plain pg-log-alter-role
2025-03-03 10:11:12.123 UTC [4121] postgres@postgres LOG:  statement: ALTER USER «u:user» WITH PASSWORD '«s:pw»';
@@@ plain mongo-log-createuser
{"t":{"$date":"«t:date»"},"s":"I","c":"COMMAND","id":51803,"ctx":"conn12","msg":"Slow query","attr":{"type":"command","ns":"admin.$cmd","command":{"createUser":"«u:user»","pwd":"«s:pw»","roles":[{"role":"readWrite","db":"shop"}]}}}
@@@ plain redis-monitor
$ redis-cli MONITOR
OK
1741000272.123456 [0 10.0.2.14:51822] "AUTH" "«s:pw»"
1741000272.124001 [0 10.0.2.14:51822] "SELECT" "2"
1741000272.124221 [0 10.0.2.14:51822] "GET" "session:«i:hex32»"
@@@ plain terraform-show-json
$ terraform show -json | jq '.values.root_module.resources[] | select(.type=="aws_iam_access_key") | .values'
{
  "id": "«a:akia»",
  "secret": "«s:aws_secret»",
  "ses_smtp_password_v4": "«s2:b64_44»",
  "status": "Active",
  "user": "ci"
}
@@@ plain tfstate-grep
$ grep -n '"password"' terraform.tfstate
412:            "password": "«s:pw»",
988:            "password": "«s2:pw»",
@@@ plain pulumi-stack-output
$ pulumi stack output --show-secrets
Current stack outputs (3):
    OUTPUT         VALUE
    bucketName     «w:word»-assets-«c:hex7»
    dbPassword     «s:pw»
    kubeconfig     {"apiVersion":"v1","users":[{"name":"admin","user":{"token":"«s2:b64u_64»"}}]}
@@@ plain ansible-debug-output
TASK [debug] *******************************************************************
ok: [«h:host»] => {
    "db_credentials": {
        "password": "«s:pw»",
        "username": "«u:user»"
    }
}
@@@ plain pytest-failure-assert
E       AssertionError: assert 401 == 200
E        +  where 401 = <Response [401]>.status_code
tests/test_api.py:42: in test_list_projects
    resp = client.get("/v1/projects", headers={"Authorization": "Bearer «s:pplx»"})
@@@ plain ci-log-secret-echo
$ ./ci/check-env.sh
Checking required variables...
XAI_API_KEY=«s:xai»
MISTRAL_API_KEY=«s2:an32»
COHERE_API_KEY=«s3:an40»
all set
@@@ plain agent-summary-figma
I updated `scripts/export-icons.ts` to use the Figma token you gave me («s:figma») and exported 212 icons into `assets/icons/`.
@@@ plain agent-summary-airtable
Done. The sync script now reads `AIRTABLE_TOKEN`; for the record the old hard-coded value was `«s:airtable»` in `sync.py:12`, which you should revoke.
@@@ plain postman-collection-env
{
  "id": "«i:uuid»",
  "name": "Prod",
  "values": [
    { "key": "baseUrl", "value": "https://api.«h:host»", "enabled": true },
    { "key": "apiKey", "value": "«s:postman»", "type": "secret", "enabled": true },
    { "key": "atlassianToken", "value": "«s2:atlassian»", "type": "secret", "enabled": true }
  ]
}
@@@ plain insomnia-export
_type: request
name: Create invoice
url: "{{ _.base_url }}/v1/invoices"
authentication:
  type: bearer
  token: «s:square»
@@@ plain dropbox-sdk-error
dropbox.exceptions.AuthError: AuthError('«r:hex32»', AuthError('expired_access_token', None))
  while using access token «s:dropbox»
@@@ plain netlify-deploy-log
10:11:12 AM: Build ready to start
10:11:14 AM: build-image version: «c:sha40» (focal)
10:11:20 AM: $ NETLIFY_AUTH_TOKEN=«s:netlify» netlify deploy --prod
@@@ plain vercel-env-pull
$ vercel env pull .env.local && cat .env.local
# Created by Vercel CLI
VERCEL_OIDC_TOKEN="«s:jwtrs»"
KV_REST_API_TOKEN="«s2:b64u_60»"
KV_REST_API_URL="https://«w:word»-12345.upstash.io"
@@@ plain supabase-status
$ supabase status
         API URL: http://127.0.0.1:54321
          DB URL: postgresql://postgres:postgres@127.0.0.1:54322/postgres
      JWT secret: «s:b64_40»
        anon key: «a:jwt»
service_role key: «s2:jwt»
@@@ plain shopify-app-info
$ shopify app env show
    SHOPIFY_API_KEY=«c:hex32»
    SHOPIFY_API_SECRET=«s:hex32»
    SCOPES=write_products,read_orders
@@@ plain okta-api-token-log
2025-03-03 10:11:12 DEBUG okta.client: GET https://«w:word».okta.com/api/v1/users?limit=200 headers={'Authorization': 'SSWS «s:okta»', 'Accept': 'application/json'}
@@@ plain hubspot-error
hubspot.exceptions.ApiException: (401) Reason: Unauthorized HTTP response headers: HTTPHeaderDict({'Content-Type': 'application/json'}) sent with token pat-na1-«s:uuid»
@@@ plain mailchimp-cli
mailchimp-marketing: Configured client {'api_key': '«s:mailchimp»', 'server': 'us6'}
@@@ plain xml-soap-creds
<soapenv:Header>
  <wsse:Security>
    <wsse:UsernameToken>
      <wsse:Username>«u:user»</wsse:Username>
      <wsse:Password Type="http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0#PasswordText">«s:pw»</wsse:Password>
    </wsse:UsernameToken>
  </wsse:Security>
</soapenv:Header>
@@@ plain tail-f-auth-log
$ tail -n 3 /var/log/app/auth.log
Mar  3 10:11:12 api[912]: login ok user=«u:user» session=«s:sessid» ip=«ip:ip»
Mar  3 10:11:13 api[912]: refresh issued user=«u» refresh_token=«s2:b64u_64»
Mar  3 10:11:20 api[912]: logout user=«u»
@@@ plain neg-django-debug-masked
Settings
Using settings module config.settings.production
Setting	Value
ABSOLUTE_URL_OVERRIDES	{}
AWS_ACCESS_KEY_ID	'********************'
AWS_SECRET_ACCESS_KEY	'********************'
DATABASES	{'default': {'ENGINE': 'django.db.backends.postgresql', 'HOST': '«h:host»', 'NAME': 'app', 'PASSWORD': '********************', 'PORT': '5432', 'USER': '«u:user»'}}
SECRET_KEY	'********************'
@@@ plain neg-chat-rotate-advice
I can't see the value of `STRIPE_SECRET_KEY` — it's read from the environment at start-up (`settings.py:31`). If you think it leaked, roll it in the Stripe dashboard under Developers → API keys, then update the secret in 1Password and redeploy.
@@@ plain neg-chat-token-names
The failing step uses `secrets.NPM_TOKEN`, but the workflow runs on a fork PR, where secrets aren't passed. Either use `pull_request_target` carefully or publish only from `main`.
@@@ plain neg-chat-explains-formats
GitHub personal access tokens start with `ghp_`, fine-grained ones with `github_pat_`, and OAuth tokens with `gho_`; GitLab uses `glpat-`. Our scanner only looked for the first prefix, so I added the others to `patterns.py`.
@@@ plain neg-chat-commit-summary
Committed «c:sha7» ("auth: hash API keys at rest"). Keys are now stored as SHA-256 digests with the last four characters kept for display, e.g. `…«l:an4»`. Migration `0042_hash_api_keys` backfills existing rows.
@@@ plain neg-logfmt-no-secret
time=«t:date» level=info msg="request" method=POST path=/v1/tokens status=201 request_id=«r:uuid» user_id=«u:dig7» token_id=tok_«i:an14» duration_ms=42
@@@ plain neg-json-log-ids
{"level":"info","ts":"«t:date»","msg":"token refreshed","client_id":"«c:gclient»","expires_in":3599,"trace_id":"«tr:hex32»","span_id":"«sp:hex16»","token_type":"Bearer","scope":"openid email"}
@@@ plain neg-json-log-redacted
{"level":"debug","msg":"outgoing request","method":"POST","url":"https://api.«h:host»/v1/charges","headers":{"Authorization":["[REDACTED]"],"Idempotency-Key":["«i:uuid»"]},"duration_ms":211}
@@@ plain neg-stack-trace-secret-words
Traceback (most recent call last):
  File "/app/.venv/lib/python3.12/site-packages/botocore/client.py", line 1017, in _make_api_call
    raise error_class(parsed_response, operation_name)
botocore.exceptions.ClientError: An error occurred (AccessDeniedException) when calling the GetSecretValue operation: User: arn:aws:sts::«n:awsacct»:assumed-role/api-task/«t:hex32» is not authorized to perform: secretsmanager:GetSecretValue on resource: prod/stripe/secret-key because no identity-based policy allows the secretsmanager:GetSecretValue action
@@@ plain neg-java-exception-ids
com.amazonaws.services.s3.model.AmazonS3Exception: The AWS Access Key Id you provided does not exist in our records. (Service: Amazon S3; Status Code: 403; Error Code: InvalidAccessKeyId; Request ID: «r:reqid»; S3 Extended Request ID: «x:b64_76»=; Proxy: null)
@@@ plain neg-aws-cli-error-akid
An error occurred (SignatureDoesNotMatch) when calling the ListBuckets operation: The request signature we calculated does not match the signature you provided. Check your key and signing method.
AWSAccessKeyId: «a:akia»
StringToSign: AWS4-HMAC-SHA256\n20250303T101112Z\n20250303/us-east-1/s3/aws4_request\n«d:sha64»
@@@ plain neg-cloudtrail-event
{"eventVersion":"1.09","userIdentity":{"type":"IAMUser","principalId":"AIDA«p:up17»","arn":"arn:aws:iam::«n:awsacct»:user/ci","accountId":"«n»","accessKeyId":"«a:akia»","userName":"ci"},"eventTime":"«t:date»","eventSource":"secretsmanager.amazonaws.com","eventName":"GetSecretValue","requestParameters":{"secretId":"prod/db/password"},"responseElements":null,"requestID":"«r:uuid»","eventID":"«e:uuid»"}
@@@ plain neg-github-actions-log-masked
2025-03-03T10:11:12.4461Z env:
2025-03-03T10:11:12.4461Z   PYPI_TOKEN: ***
2025-03-03T10:11:12.4462Z   AWS_ACCESS_KEY_ID: ***
2025-03-03T10:11:12.4463Z   GITHUB_SHA: «c:sha40»
2025-03-03T10:11:12.4464Z ##[endgroup]
2025-03-03T10:11:15.0012Z Uploading distributions to https://upload.pypi.org/legacy/
@@@ plain neg-jenkins-masked
[Pipeline] withCredentials
Masking supported pattern matches of $NEXUS_PASS or $NEXUS_USER
[Pipeline] {
[Pipeline] sh
+ ./gradlew publish -PnexusUser=**** -PnexusPassword=****
BUILD SUCCESSFUL in 41s
@@@ plain neg-circleci-env-masked
Using environment variables from project settings and/or contexts:
  AWS_ACCESS_KEY_ID=**REDACTED**
  AWS_SECRET_ACCESS_KEY=**REDACTED**
  SLACK_WEBHOOK=xxxx«l:an4»
@@@ plain neg-gitlab-job-log
Running with gitlab-runner 17.5.0 (8ec0c1d5)
  on shared-runner-«r:lan8» «t:an8», system ID: s_«i:hex12»
Preparing the "docker" executor
Using docker image sha256:«d:sha64» for registry.gitlab.com/gitlab-org/cluster-integration/auto-deploy-image:v2.6.0 with digest registry.gitlab.com/...@sha256:«d2:sha64» ...
$ echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"
Login Succeeded
@@@ plain neg-buildkite-log
~~~ Running global environment hook
~~~ Preparing working directory
$ git fetch -v --prune -- origin «c:sha40»
$ git checkout -f «c»
# Host "github.com" already in list of known hosts at "/var/lib/buildkite-agent/.ssh/known_hosts"
~~~ Running commands
@@@ plain neg-terraform-apply-log
aws_iam_access_key.ci: Creating...
aws_iam_access_key.ci: Creation complete after 1s [id=«a:akia»]
aws_secretsmanager_secret_version.ci: Creating...
aws_secretsmanager_secret_version.ci: Creation complete after 0s [id=arn:aws:secretsmanager:eu-west-1:«n:awsacct»:secret:ci-key-«r:an6»|terraform-«v:dig26»]

Apply complete! Resources: 2 added, 0 changed, 0 destroyed.
@@@ plain neg-kubectl-events
LAST SEEN   TYPE      REASON              OBJECT                       MESSAGE
3m          Warning   FailedMount         pod/api-«a:lan10»-«b:lan5»   MountVolume.SetUp failed for volume "db-creds" : secret "db-creds" not found
2m          Normal    Pulled              pod/api-«a»-«b»   Container image "ghcr.io/acme/api@sha256:«d:sha64»" already present on machine
@@@ plain neg-helm-status
NAME: keycloak
LAST DEPLOYED: Mon Mar  3 10:11:12 2025
NAMESPACE: auth
STATUS: deployed
REVISION: 12
NOTES:
To get the admin password run:
  kubectl get secret --namespace auth keycloak -o jsonpath="{.data.admin-password}" | base64 -d
@@@ plain neg-docker-build-output
#7 [build 3/6] RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci
#7 CACHED
#9 exporting to image
#9 writing image sha256:«d:sha64» done
#9 naming to ghcr.io/acme/«w:word»:«c:sha7» done
@@@ plain neg-npm-audit
# npm audit report

jsonwebtoken  <=8.5.1
Severity: high
jsonwebtoken unrestricted key type could lead to legacy keys usage - https://github.com/advisories/GHSA-«a:lan4»-«b:lan4»-«c:lan4»
fix available via `npm audit fix --force`
@@@ plain neg-pip-freeze-hashes
cryptography==43.0.1 \
    --hash=sha256:«a:sha64» \
    --hash=sha256:«b:sha64»
pyjwt==2.9.0 \
    --hash=sha256:«c:sha64»
@@@ plain neg-git-log-full
commit «c:sha40»
Merge: «p1:sha7» «p2:sha7»
Author: «u:user» <«u»@users.noreply.github.com>
Date:   Mon Mar 3 10:11:12 2025 +0000

    Merge pull request #«n:dig4» from acme/rotate-secret-key

    Rotate SECRET_KEY handling; read from AWS Secrets Manager

    Change-Id: I«i:sha40»
    Signed-off-by: «u» <«u»@users.noreply.github.com>
@@@ plain neg-git-verify-commit
$ git verify-commit HEAD
gpg: Signature made Mon 03 Mar 2025 10:11:12 AM UTC
gpg:                using EDDSA key «k:HEX40»
gpg: Good signature from "«u:user» <«u»@example.com>" [ultimate]
@@@ plain neg-pgp-signed-message
-----BEGIN PGP SIGNED MESSAGE-----
Hash: SHA512

«f:sha64»  «w:word»-2.1.0-linux-amd64.tar.gz
«g:sha64»  «w»-2.1.0-darwin-arm64.tar.gz
«p:pgp_sig»
@@@ plain neg-pgp-public-key
$ gpg --armor --export «u:user»@example.com
«p:pgp_pub»
@@@ plain neg-cert-chain
$ openssl s_client -connect api.«h:host»:443 -showcerts </dev/null 2>/dev/null | sed -n '/BEGIN/,/END/p' | head -30
«c:cert»
@@@ plain neg-ssh-verbose
debug1: Server host key: ssh-ed25519 «f:sshfp»
debug1: Host 'github.com' is known and matches the ED25519 host key.
debug1: Offering public key: /home/dev/.ssh/id_ed25519 ED25519 «f2:sshfp» agent
debug1: Server accepts key: /home/dev/.ssh/id_ed25519 ED25519 «f2» agent
Authenticated to github.com ([140.82.121.3]:22) using "publickey".
@@@ plain neg-dkim-header
DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=«w:word».com; s=google; t=«e:epoch»;
        h=to:subject:message-id:date:from:mime-version:from:to:cc:subject:date:message-id:reply-to;
        bh=«b:b64_44»;
        b=«sig:b64_300»
ARC-Authentication-Results: i=1; mx.google.com; dkim=pass header.i=@«w».com header.s=google header.b=«hb:b64_8»
@@@ plain neg-email-headers-ids
Message-ID: <CA+«m:b64u_40»@mail.gmail.com>
X-Google-Smtp-Source: AGHT+«x:b64_60»
X-Received: by 2002:a05:6512:«r:hex4» with SMTP id «i:hex24»; Mon, 03 Mar 2025 02:11:12 -0800 (PST)
Authentication-Results: mx.example.com; spf=pass smtp.mailfrom=«u:user»@gmail.com; dkim=pass
@@@ plain neg-ansible-no-log
TASK [create database user] ****************************************************
ok: [«h:host»] => (item=None)
changed: [«h»] => {"censored": "the output has been hidden due to the fact that 'no_log: true' was specified for this result", "changed": true}
@@@ plain neg-vault-status
$ vault status
Key                     Value
---                     -----
Seal Type               shamir
Initialized             true
Sealed                  false
Total Shares            5
Threshold               3
Version                 1.17.2
Cluster ID              «c:uuid»
HA Enabled              true
@@@ plain neg-vault-token-lookup-accessor-only
$ vault list auth/token/accessors | head -3
Keys
----
«a:b64u_24»
@@@ plain neg-1password-item-masked
$ op item get "Stripe" --fields label=username,label=password
«u:user»@example.com,[use 'op item get «i:lan26» --reveal' to reveal]
@@@ plain neg-ansi-colored-status
␛[32m✔␛[0m Loaded env from .env.production (␛[1m12␛[0m variables)
␛[33m!␛[0m SESSION_SECRET is shorter than 32 characters
␛[32m✔␛[0m OPENAI_API_KEY is set (␛[2msk-proj-…«l:an4»␛[0m)
@@@ plain neg-readtool-code-comments
    40→def rotate_keys(store: KeyStore) -> None:
    41→    # Generate a new signing key, keep the old one for verification for 24h.
    42→    new = store.generate(kid=uuid.uuid4().hex)
    43→    store.retire(store.active, grace=timedelta(hours=24))
    44→    store.activate(new.kid)
    45→    log.info("rotated signing key", kid=new.kid, fingerprint=new.fingerprint)
@@@ plain neg-stripe-objects
{
  "id": "«p:stripe_id»",
  "object": "payment_intent",
  "amount": 4200,
  "client_secret": null,
  "customer": "cus_«c:an14»",
  "latest_charge": "ch_«h:an24»",
  "payment_method": "pm_«m:an24»",
  "livemode": true
}
@@@ plain neg-twilio-message
{"sid": "SM«m:hex32»", "account_sid": "«a:twsid»", "messaging_service_sid": "MG«g:hex32»", "to": "+44«n:dig10»", "status": "queued", "uri": "/2010-04-01/Accounts/«a»/Messages/SM«m».json"}
@@@ plain neg-slack-api-response
{"ok":true,"channel":"«c:slack_id»","ts":"«e:epoch».«f:dig6»","message":{"bot_id":"B«b:up10»","type":"message","text":"deploy finished","user":"U«u:up10»","team":"T«t:up10»","app_id":"A«a:up10»"}}
@@@ plain neg-oauth-app-public
OAuth application created.
  Client ID:       «c:gclient»
  Redirect URI:    https://app.«h:host»/auth/google/callback
  Client secret:   stored in Secret Manager as projects/«w:word»/secrets/google-oauth-client-secret
@@@ plain neg-azure-ids
{
  "id": "/subscriptions/«sb:uuid»/resourceGroups/rg-data/providers/Microsoft.KeyVault/vaults/kv-«w:word»",
  "properties": { "tenantId": "«t:uuid»", "vaultUri": "https://kv-«w».vault.azure.net/", "enableSoftDelete": true, "accessPolicies": [{ "objectId": "«o:uuid»", "permissions": { "secrets": ["get", "list"] } }] }
}
@@@ plain neg-sealed-ansible-output
$ ansible-vault view group_vars/prod/vault.yml --vault-password-file ~/.vault_pass
ERROR! Decryption failed (no vault secrets were found that could decrypt) on group_vars/prod/vault.yml
@@@ plain neg-detect-secrets-baseline
{
  "version": "1.5.0",
  "results": {
    "config/settings.py": [
      { "type": "Secret Keyword", "filename": "config/settings.py", "hashed_secret": "«h:sha40»", "is_verified": false, "line_number": 31 }
    ]
  }
}
@@@ plain neg-gitleaks-report-redacted
Finding:     OPENAI_API_KEY=REDACTED
Secret:      REDACTED
RuleID:      openai-api-key
Entropy:     5.1
File:        .env
Line:        3
Commit:      «c:sha40»
Fingerprint: «c»:.env:openai-api-key:3
@@@ plain neg-trufflehog-masked
Found verified result 🐷🔑
Detector Type: Github
Raw result: ghp_****************************«l:an4»
File: scripts/release.sh
Line: 12
@@@ plain neg-tool-truncated-ids
{"id":"«i:uuid»","name":"ci-bot","created_at":"«t:date»","scopes":["repo","workflow"],"last_used_at":"«t2:date»","fingerprint":"«f:sha64»
[output truncated: 18.3 KB total]
@@@ plain neg-base64-nonsecret
$ echo 'eyJ1c2VyIjoiZ3Vlc3QiLCJ0aGVtZSI6ImRhcmsifQ==' | base64 -d
{"user":"guest","theme":"dark"}
@@@ plain neg-jwt-header-only
The `kid` in the token header (`{"alg":"RS256","kid":"«k:b64u43»","typ":"JWT"}`) doesn't match any key in the JWKS, so verification fails with `JWTClaimsSetVerificationException`. Refreshing the JWKS cache fixes it.
@@@ plain neg-password-policy-prose
Password requirements: at least 12 characters, one uppercase letter, one digit, and one symbol from !@#$%^&*. Passwords expire after 90 days; the last 5 passwords can't be reused. API tokens expire after 30 days unless created with --no-expiry.
@@@ plain neg-hash-table
| user | bcrypt cost | mfa | last_login |
|------|-------------|-----|------------|
| «u:user» | 12 | totp | «t:date» |
| «v:user» | 12 | webauthn | «t2:date» |
@@@ plain neg-lsof-sockets
COMMAND   PID USER   FD   TYPE             DEVICE SIZE/OFF NODE NAME
ssh-agent 812 dev    3u  unix 0x«a:hex16»      0t0 «n:dig5» /tmp/ssh-XXXX«x:an6»/agent.811 type=STREAM
gpg-agent 914 dev    5u  unix 0x«b:hex16»      0t0 «m:dig5» /run/user/1000/gnupg/S.gpg-agent type=STREAM
@@@ plain neg-memory-dump-hex
00000000: 7f45 4c46 0201 0100 0000 0000 0000 0000  .ELF............
00000010: 0300 3e00 0100 0000 «a:hex4» 0000 0000 0000  ..>.....@.......
00000020: 4000 0000 0000 0000 «b:hex4» «c:hex4» 0000 0000  @.......(.......
@@@ plain neg-k8s-sa-token-path
Mounted service account token at /var/run/secrets/kubernetes.io/serviceaccount/token (expires in 3607s, audience https://kubernetes.default.svc.cluster.local)
"""


def main() -> None:
    found = templates()
    documents = corpus()
    with_secrets: Counter[str] = Counter()
    without: Counter[str] = Counter()
    for context, kind, template in found:
        _, secrets = render(template, random.Random(0))
        (with_secrets if secrets else without)[context] += 1
        if bool(secrets) == kind.startswith("neg-"):
            raise SystemExit(
                f"error: template {kind!r} is labelled {'negative' if kind.startswith('neg-') else 'positive'} but has {len(secrets)} secrets"
            )
    print(
        f"{len(found)} templates: {sum(with_secrets.values())} with secrets, {sum(without.values())} without"
    )
    for context in CONTEXTS[:-1]:
        print(f"  {context:7} {with_secrets[context]:4d} with secrets, {without[context]:4d} without")
    print(f"splits: {dict(Counter(_split(t) for _, _, t in found))}")
    planted = sum(len(d.secrets) for d in documents)
    print(
        f"{len(documents)} documents ({dict(Counter(d.context for d in documents))}), {planted} planted secrets, {sum(not d.secrets for d in documents)} negatives"
    )


if __name__ == "__main__":
    main()
