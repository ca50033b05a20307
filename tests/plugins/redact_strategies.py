"""Hypothesis strategies for the redactor's property tests: secrets built at run time, never literals.

Every secret is assembled from parts plus a random body drawn from a seeded ``random.Random`` (so
hypothesis varies the seed and the context, and the bodies always look generated: mixed case and
digits, as real credentials do). Nothing in this file is secret-shaped, so secret scanners stay quiet.
"""

from __future__ import annotations

import base64
import itertools
import json
import random
import string

from hypothesis import strategies as st

ALNUM = string.ascii_letters + string.digits
URLSAFE = ALNUM + "-_"
B64 = ALNUM + "+/"
HEX = "0123456789abcdef"


def forms(text: str) -> list[str]:
    """*text* as a tool prints it, and JSON-escaped once and twice, as agent logs hold it."""
    return [text, json.dumps({"content": text}), json.dumps({"raw": json.dumps({"output": text})})]


def survives(text: str) -> None:
    """Assert that *text*, in each of its forms, comes out of the redactor unchanged."""
    from autopilot.plugins.redact.engine import redact_text

    for form in forms(text):
        assert redact_text(form) == form, form


def goes(text: str, secret: str) -> None:
    """Assert that *secret* is gone from each form of *text* after redaction."""
    from autopilot.plugins.redact.engine import redact_text

    for form in forms(text):
        assert secret not in redact_text(form), form


def body(rng: random.Random, n: int, alphabet: str = ALNUM) -> str:
    """*n* random characters that mix lower case, upper case and digits (when the alphabet has them)."""
    from autopilot.plugins.redact.values import is_placeholder

    classes = [cls for cls in (str.islower, str.isupper, str.isdigit) if any(cls(c) for c in alphabet)]
    while True:
        text = "".join(rng.choice(alphabet) for _ in range(n))
        # (never with a placeholder's marks, `xxxx`, `your-`, `_here` …: one body in some 100,000)
        if all(any(cls(c) for c in text) for cls in classes) and not is_placeholder(text):
            return text


def _pem(rng: random.Random) -> str:
    label = rng.choice(["RSA PRIVATE KEY", "PRIVATE KEY", "OPENSSH PRIVATE KEY", "EC PRIVATE KEY"])
    lines = "\n".join(body(rng, 64, B64) for _ in range(rng.randint(2, 6)))
    return f"-----BEGIN {label}-----\n{lines}\n-----END {label}-----"


# kind -> builder(rng) -> (the secret, the text that holds it, its distinctive body)
def _format(prefix: str, size: int, alphabet: str = ALNUM, suffix: str = "") -> object:
    def build(rng: random.Random) -> tuple[str, str]:
        secret_body = body(rng, size, alphabet)
        return prefix + secret_body + suffix, secret_body

    return build


FORMAT_SECRETS = {
    "anthropic": _format("sk-" + "ant-api03-", 93, URLSAFE, "AA"),
    "openai": _format("sk-" + "proj-", 120, URLSAFE),
    "aws_key_id": _format("AK" + "IA", 16, string.ascii_uppercase + "234567"),
    "github_classic": _format("gh" + "p_", 36),
    "github_oauth": _format("gh" + "o_", 36),
    "github_user": _format("gh" + "u_", 36),
    "github_server": _format("gh" + "s_", 36),
    "github_refresh": _format("gh" + "r_", 36),
    "github_pat": _format("github" + "_pat_11AB" + "CDEFG0", 70),
    "gitlab": _format("gl" + "pat-", 20),
    "slack": _format("xo" + "xb-1234567890-1234567890123-", 24),
    "stripe": _format("sk" + "_live_", 24),
    "stripe_restricted": _format("rk" + "_live_", 24),
    "google": _format("AI" + "za", 35, URLSAFE),
    "google_oauth": _format("GOC" + "SPX-", 28),
    "npm": _format("np" + "m_", 36),
    "pypi": _format("py" + "pi-AgEIcHlwaS5vcmc", 70, URLSAFE),
    "huggingface": _format("h" + "f_", 34),
    "sendgrid": _format("S" + "G.abcdEFGH1234ijklMNOPqr.", 43),
    "twilio_key": _format("S" + "K", 32, HEX),
    "jwt": _format("ey" + "JhbGciOiJIUzI1NiJ9.ey" + "JzdWIiOiIxMjM0NTY3ODkwIn0.", 43, URLSAFE),
    "resend": _format("re" + "_" + "Ab12Cd34" + "_", 24),
    "figma": _format("fi" + "gd_", 40, URLSAFE),
    "tailscale": _format("ts" + "key-auth-" + "k7Qx2Lm9CNTRL-", 33),
    "bip32_xprv": _format(
        "xp" + "rv9s21ZrQH143K", 99, "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz"
    ),
    "nostr_nsec": _format("ns" + "ec1", 58, "qpzry9x8gf2tvdw0s3jn54khce6mua7l"),
}


def _telegram(rng: random.Random) -> tuple[str, str]:
    """A Telegram bot token: the bot's id, a colon, then 35 characters starting with "AA"."""
    secret_body = body(rng, 33, URLSAFE)
    return str(rng.randint(10**8, 8 * 10**9)) + ":" + "AA" + secret_body, secret_body


def _discord(rng: random.Random) -> tuple[str, str]:
    """A Discord bot token: the bot's id in base64, a 6-character timestamp and an HMAC."""
    bot_id = base64.b64encode(str(rng.randint(10**16, 10**19)).encode()).decode().rstrip("=")
    secret_body = body(rng, 27, URLSAFE)
    return bot_id + "." + body(rng, 6, URLSAFE) + "." + secret_body, secret_body


FORMAT_SECRETS["telegram"] = _telegram
FORMAT_SECRETS["discord"] = _discord


def _in_context(name: str, builder_body: int = 24) -> object:
    def build(rng: random.Random) -> tuple[str, str]:
        value = body(rng, builder_body)
        return value, value

    return build


# Secrets that are only recognisable by their context: (template with {v}, body size)
CONTEXT_TEMPLATES = [
    "DB_PASSWORD={v}",
    "export API_TOKEN='{v}'",
    '{{"api_key": "{v}"}}',
    "password: {v}",
    'SECRET_KEY = "{v}"',
    "client_secret={v}",
    "aws_secret_access_key = {v}",
    "--password {v}",
    "--token={v}",
    "mysql -u root -p'{v}' app",
    "Authorization: Bearer {v}",
    "authorization: Basic {v}",
    "x-api-key: {v}",
    "postgres://app:{v}@db.internal:5432/app",
    "https://x-access-token:{v}@github.com/org/repo.git",
    "AccountKey={v};EndpointSuffix=core.windows.net",
    "TWILIO_AUTH_TOKEN={v}",
    "  MYSQL_ROOT_PASSWORD: {v}",
    "Cookie: sessionid={v}; theme=dark",
    "> Cookie: theme=dark; _app_session={v}",
    "Set-Cookie: __Host-session={v}; Path=/; Secure; HttpOnly",
    '{{"headers": {{"Cookie": "connect.sid={v}"}}}}',
    "curl -u admin:{v} https://api.example.org/v1/me",
    "curl --user 'deploy:{v}' -X POST https://api.example.org",
    'curl -sS -U "proxy:{v}" -x http://proxy:3128 https://example.org',
    "curl -b 'remember_token={v}' https://app.example.org",
    "curl -X POST \\\n  -u ci:{v} \\\n  https://api.example.org/v1/jobs",
    '{{"key": "apiKey", "value": "{v}", "type": "secret", "enabled": true}}',
    '{{"key": "stripe", "value": "{v}", "type": "secret"}}',
    '{{"name": "cookie", "value": "session={v}; theme=dark"}}',
    '{{"name": "authorization", "value": "Basic {v}"}}',
    '<add key="ClearTextPassword" value="{v}" />',
    "echo {v} | az devops login --organization https://dev.azure.com/acme",
    "const JWT_SECRET = process.env.JWT_SECRET || '{v}';",
    '{{"kty": "oct", "kid": "hmac", "k": "{v}"}}',
    "password={v};x#y",
]


@st.composite
def format_secret(draw: st.DrawFn) -> tuple[str, str, str]:
    """(kind, secret, distinctive body) of a token-format secret."""
    kind = draw(st.sampled_from(sorted(FORMAT_SECRETS)))
    rng = random.Random(draw(st.integers(0, 2**32)))
    secret, distinctive = FORMAT_SECRETS[kind](rng)  # type: ignore[operator]
    return kind, secret, distinctive


@st.composite
def context_secret(draw: st.DrawFn) -> tuple[str, str]:
    """(text holding a secret recognisable by its context, the secret)."""
    template = draw(st.sampled_from(CONTEXT_TEMPLATES))
    rng = random.Random(draw(st.integers(0, 2**32)))
    value = body(rng, draw(st.integers(16, 48)))
    return template.format(v=value), value


@st.composite
def private_key(draw: st.DrawFn) -> tuple[str, list[str]]:
    """(a PEM/OpenSSH private key, its body lines)."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    pem = _pem(rng)
    return pem, [line for line in pem.splitlines() if not line.startswith("-----")]


_FILLER = st.sampled_from(
    [
        "",
        "ok",
        "$ git status",
        "On branch main",
        "diff --git a/x.py b/x.py",
        "PASSED tests/test_x.py::test_y",
        "npm WARN deprecated glob@7.2.3",
        "Traceback (most recent call last):",
        '  File "app.py", line 3',
        "commit 1f0e3dad99908345f7439f8ffabdffc4",
        '{"ok": true}',
        "Using default tag: latest",
    ]
)


def wrap(draw: st.DrawFn, text: str) -> str:
    """*text* in a random realistic context: plain, ANSI-coloured, JSON-escaped, YAML-indented, in a URL."""
    style = draw(st.sampled_from(["plain", "ansi", "json", "yaml", "log", "double-json"]))
    before, after = draw(_FILLER), draw(_FILLER)
    if style == "ansi":
        text = f"\x1b[1;33m{text}\x1b[0m"
    elif style == "json":
        text = json.dumps({"type": "tool_result", "content": f"{before}\n{text}\n{after}"})
    elif style == "double-json":
        text = json.dumps({"raw": json.dumps({"output": text})})
    elif style == "yaml":
        text = "\n".join("    " + line for line in text.splitlines())
    elif style == "log":
        text = f"2025-01-01T10:00:00Z INFO request {text} done"
    return f"{before}\n{text}\n{after}"


@st.composite
def text_with_format_secret(draw: st.DrawFn) -> tuple[str, str, str]:
    """(text, kind, distinctive body) with a token-format secret somewhere realistic."""
    kind, secret, distinctive = draw(format_secret())
    holder = draw(
        st.sampled_from(
            [
                "{s}",
                "token: {s}",
                "export TOKEN={s}",
                "curl -H 'Authorization: Bearer {s}' https://api.x",
                "https://api.example.org/v1?key={s}&page=2",
                "echo {s} | login --with-token",
                "Error: bad key {s}",
            ]
        )
    )
    return wrap(draw, holder.format(s=secret)), kind, distinctive


@st.composite
def text_with_context_secret(draw: st.DrawFn) -> tuple[str, str]:
    line, value = draw(context_secret())
    return wrap(draw, line), value


@st.composite
def text_with_private_key(draw: st.DrawFn) -> tuple[str, list[str]]:
    pem, lines = draw(private_key())
    style = draw(st.sampled_from(["plain", "json", "yaml", "truncated"]))
    if style == "json":
        text = json.dumps({"private_key": pem + "\n", "client_email": "bot@example.iam"})
    elif style == "yaml":
        text = "tls:\n  key: |\n" + "\n".join("    " + line for line in pem.splitlines())
    elif style == "truncated":
        text = "\n".join(pem.splitlines()[:-1]) + "\n(output truncated)"
    else:
        text = f"$ cat id_rsa\n{pem}\n$ ls"
    return text, lines


@st.composite
def look_alike(draw: st.DrawFn) -> str:
    """Something that resembles a secret but is not one; it must survive byte for byte."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    hexes = "".join(rng.choice(HEX) for _ in range(40))
    uuid = "-".join("".join(rng.choice(HEX) for _ in range(n)) for n in (8, 4, 4, 4, 12))
    b64 = "".join(rng.choice(B64) for _ in range(rng.randint(200, 2000)))
    choices = [
        f"commit {hexes}",
        f"index {hexes[:7]}..{hexes[7:14]} 100644",
        f"request id {uuid}",
        '"integrity": "sha512-' + "".join(rng.choice(B64) for _ in range(86)) + '=="',
        f"data:image/png;base64,{b64}",
        '{"id": "toolu_01' + body(rng, 22) + '", "type": "tool_use"}',
        '"message": {"id": "msg_01' + body(rng, 22) + '"}',
        "call_" + body(rng, 24),
        "OPENAI_API_KEY=YOUR_API_KEY",
        "password: <password>",
        "token=${GITHUB_TOKEN}",
        "api_key=$API_KEY",
        "SECRET_KEY=xxx",
        "password=****",
        "DB_PASSWORD=changeme",
        "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
        "postgres://user:password@localhost:5432/app",
        "password=[REDACTED:password]",
        "token: [REDACTED:github_token]",
        '"max_tokens": 4096, "input_tokens": 12',
        "api_key = os.environ['OPENAI_API_KEY']",
        "client = Client(api_key=api_key)",
        "password: str | None = None",
        "headers = {'Authorization': f'Bearer {token}'}",
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI" + body(rng, 43) + " dev@laptop",
        "-----BEGIN PUBLIC KEY-----\n" + body(rng, 64, B64) + "\n-----END PUBLIC KEY-----",
        "pk_" + "live_" + body(rng, 24),
        "docker login -u dev --password-stdin ghcr.io",
        "NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}",
        f"docker run -u {rng.randint(1, 65535)}:{rng.randint(1, 65535)} --rm app",
        'curl -u "$API_USER:$API_TOKEN" https://api.example.org',
        "curl -u admin https://localhost:8443/health",
        "curl -c cookies.txt -b cookies.txt https://example.org",
        "curl --user-agent 'Mozilla/5.0 (X11; Linux x86_64)' https://example.org",
        "curl -s https://example.org | sort -u",
        "Cookie: theme=dark; lang=en-US",
        "Set-Cookie: lang=en; Path=/; Max-Age=31536000; SameSite=Lax",
        "Set-Cookie: id=a3fWa; Expires=Thu, 21 Oct 2027 07:28:00 GMT; Secure; HttpOnly",
        'document.cookie = "theme=dark; path=/";',
        "Cookie: session=<session-id>",
        "curl -b 'sid=${SESSION_ID}' https://example.org",
    ]
    return draw(st.sampled_from(choices))


# ------------------------------------------------------------------------------------------------
# Whole steps: nested objects whose strings are redacted in one batch (Hooks.redact_obj)

# Strings that sit next to each other in a step and could make a secret if they were glued together,
# or that end or start right at an anchor or a separator.
_EDGES = st.sampled_from(
    [
        "input_tokens",
        "cache_read_input_tokens",
        "api_key",
        "password",
        "Authorization",
        "Bearer",
        "token",
        "=",
        ": ",
        "://",
        "\x00",
        "=\x00",
        "sk-",
        "gh",
        "p_",
        "AC",
        "Q~",
        "kind: Secret",
        "private key",
        "mysql -p",
        "sshpass -p",
        "[REDACTED:",
        "ä✓",
    ]
)


@st.composite
def format_secret_text(draw: st.DrawFn) -> str:
    """A bare token-format secret, with a little random glue either side."""
    _, secret, _ = draw(format_secret())
    return (
        draw(st.sampled_from(["", "x", "-", "_", " ", "\n", "\\n", "="]))
        + secret
        + draw(st.sampled_from(["", "x", "-", " ", "\n", "."]))
    )


def step_string() -> st.SearchStrategy[str]:
    """One string of a step: secrets of every kind in context, look-alikes, edges, arbitrary text."""
    return st.one_of(
        text_with_format_secret().map(lambda case: case[0]),
        text_with_context_secret().map(lambda case: case[0]),
        text_with_private_key().map(lambda case: case[0]),
        format_secret_text(),
        context_secret().map(lambda case: case[0]),
        look_alike(),
        _EDGES,
        st.text(max_size=40),
        st.text(alphabet=st.characters(codec="utf-8"), max_size=40),
        st.text(alphabet=st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF), max_size=3),
    )


@st.composite
def pieces(draw: st.DrawFn) -> list[str]:
    """A text holding a secret (or a look-alike), cut into neighbouring strings at random places."""
    text = draw(st.one_of(step_string(), st.lists(step_string(), min_size=2, max_size=3).map("".join)))
    cuts = sorted(draw(st.lists(st.integers(0, len(text)), max_size=4)))
    bounds = [0, *cuts, len(text)]
    return [text[a:b] for a, b in itertools.pairwise(bounds)]


def _pairs(parts: list[str]) -> dict[str, str]:
    """Neighbouring pieces as key and value, as a name and its value cut apart would be."""
    return dict(zip(parts[::2], parts[1::2], strict=False))


def texts() -> st.SearchStrategy[list[str]]:
    """A batch of strings as one step holds them: whole strings and pieces of cut ones, in order."""
    return st.lists(st.one_of(step_string().map(lambda s: [s]), pieces()), max_size=8).map(
        lambda groups: [s for group in groups for s in group]
    )


def nested() -> st.SearchStrategy[object]:
    """A step-shaped object: dicts, lists and tuples of step strings (as keys too), numbers, None."""
    leaves = st.one_of(step_string(), st.integers(), st.floats(allow_nan=False), st.booleans(), st.none())
    return st.recursive(
        leaves,
        lambda children: st.one_of(
            st.lists(children, max_size=5),
            st.lists(children, max_size=3).map(tuple),
            st.dictionaries(st.one_of(step_string(), _EDGES), children, max_size=5),
            pieces(),
            pieces().map(_pairs),
        ),
        max_leaves=16,
    )
