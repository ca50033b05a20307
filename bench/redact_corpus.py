"""A seeded, labelled corpus of realistic agent tool output, with and without secrets.

Used by bench/bench_redact.py (throughput) and bench/redact_quality.py (recall and false positives).
No hypothesis here: ``random.Random(seed)`` makes every run produce the same corpus.

Every secret is built at run time from parts and a random body, so this file holds nothing a secret
scanner would flag. Negative documents are full of look-alikes: git SHAs, UUIDs, lockfile integrity
hashes, base64 images, agent ids, placeholders and code that handles secrets without containing one.
"""

# ruff: noqa: E501 - generated-data templates read better on one line
from __future__ import annotations

import base64
import json
import random
import string
from collections.abc import Callable
from dataclasses import dataclass, field

ALNUM = string.ascii_letters + string.digits
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "-_"
WORDS = [
    "alpha",
    "beta",
    "gamma",
    "delta",
    "config",
    "parser",
    "router",
    "handler",
    "session",
    "cache",
    "index",
    "model",
    "worker",
    "queue",
    "client",
    "server",
    "request",
    "response",
    "update",
    "create",
    "delete",
    "fetch",
    "build",
    "deploy",
    "release",
    "schema",
    "token",
    "user",
    "account",
    "project",
    "branch",
    "commit",
    "merge",
    "review",
    "test",
    "suite",
    "module",
    "package",
    "import",
    "export",
    "value",
]


@dataclass
class Document:
    """One tool output; *secrets* are the exact substrings that must not survive redaction."""

    text: str
    secrets: list[str] = field(default_factory=list)
    kind: str = ""
    context: str = ""


def rand(rng: random.Random, n: int, alphabet: str = ALNUM) -> str:
    """A random body that looks generated: it always mixes lower case, upper case and digits."""
    while True:
        body = "".join(rng.choice(alphabet) for _ in range(n))
        if alphabet is not ALNUM and alphabet is not URLSAFE and alphabet is not B64:
            return body
        if (
            any(c.islower() for c in body)
            and any(c.isupper() for c in body)
            and any(c.isdigit() for c in body)
        ):
            return body


# ------------------------------------------------------------------------------------------------
# Secrets: (kind, value, name hint for context rules, needs_context)


def _password(rng: random.Random) -> str:
    style = rng.randrange(4)
    if style == 0:
        return rand(rng, rng.randint(12, 24), ALNUM + "!#%^*_-")
    if style == 1:
        return rng.choice(WORDS).capitalize() + str(rng.randint(1000, 9999)) + rng.choice("!@#%")
    if style == 2:
        return "-".join(rng.choice(WORDS) for _ in range(3)) + str(rng.randint(10, 99))
    return rand(rng, rng.randint(16, 32))


def make_secret(rng: random.Random, kind: str) -> tuple[str, str]:
    """A fresh secret of *kind* and the variable name it typically lives in."""
    match kind:
        case "anthropic":
            return "sk-" + "ant-api03-" + rand(rng, 93, URLSAFE) + "AA", "ANTHROPIC_API_KEY"
        case "openai":
            return "sk-" + "proj-" + rand(rng, 120, URLSAFE), "OPENAI_API_KEY"
        case "openai_legacy":
            return "sk-" + rand(rng, 20) + "T3Blbk" + "FJ" + rand(rng, 20), "OPENAI_API_KEY"
        case "aws_key_id":
            return "AK" + "IA" + rand(rng, 16, string.ascii_uppercase + "234567"), "AWS_ACCESS_KEY_ID"
        case "aws_secret":
            return rand(rng, 40, B64), "AWS_SECRET_ACCESS_KEY"
        case "github":
            return "gh" + rng.choice("pousr") + "_" + rand(rng, 36), "GITHUB_TOKEN"
        case "github_pat":
            return "github" + "_pat_" + rand(rng, 22) + "_" + rand(rng, 59), "GH_TOKEN"
        case "gitlab":
            return "gl" + "pat-" + rand(rng, 20, URLSAFE), "GITLAB_TOKEN"
        case "slack":
            return (
                "xo"
                + "xb-"
                + str(rng.randint(10**11, 10**12))
                + "-"
                + str(rng.randint(10**12, 10**13))
                + "-"
                + rand(rng, 24),
                "SLACK_BOT_TOKEN",
            )
        case "slack_webhook":
            return rand(rng, 24), "SLACK_WEBHOOK_URL"
        case "stripe":
            return rng.choice(["sk", "rk"]) + "_" + rng.choice(["live", "test"]) + "_" + rand(
                rng, 24
            ), "STRIPE_SECRET_KEY"
        case "google":
            return "AI" + "za" + rand(rng, 35, URLSAFE), "GOOGLE_API_KEY"
        case "google_oauth":
            return "GOC" + "SPX-" + rand(rng, 28, URLSAFE), "GOOGLE_CLIENT_SECRET"
        case "npm":
            return "np" + "m_" + rand(rng, 36), "NPM_TOKEN"
        case "pypi":
            return "py" + "pi-AgEIcHlwaS5vcmc" + rand(rng, 70, URLSAFE), "PYPI_TOKEN"
        case "huggingface":
            return "h" + "f_" + rand(rng, 34), "HF_TOKEN"
        case "sendgrid":
            return "S" + "G." + rand(rng, 22, URLSAFE) + "." + rand(rng, 43, URLSAFE), "SENDGRID_API_KEY"
        case "twilio_sid":
            return "S" + "K" + rand(rng, 32, HEX), "TWILIO_API_KEY"
        case "twilio_token":
            return rand(rng, 32, HEX), "TWILIO_AUTH_TOKEN"
        case "azure_storage":
            return rand(rng, 86, B64) + "==", "AccountKey"
        case "azure_client_secret":
            return rand(rng, 3) + str(rng.randint(0, 9)) + "Q" + "~" + rand(
                rng, 34, URLSAFE + "~."
            ), "AZURE_CLIENT_SECRET"
        case "jwt":
            header = base64.urlsafe_b64encode(b'{"alg":"HS256","typ":"JWT"}').rstrip(b"=").decode()
            payload = (
                base64.urlsafe_b64encode(
                    json.dumps({"sub": rand(rng, 12), "iat": rng.randint(10**9, 2 * 10**9)}).encode()
                )
                .rstrip(b"=")
                .decode()
            )
            return f"{header}.{payload}.{rand(rng, 43, URLSAFE)}", "ID_TOKEN"
        case "password":
            return _password(rng), rng.choice(
                ["DB_PASSWORD", "password", "PGPASSWORD", "admin_pass", "MYSQL_ROOT_PASSWORD"]
            )
        case "generic_api_key":
            return rand(rng, rng.choice([24, 32, 40, 48]), rng.choice([ALNUM, HEX])), rng.choice(
                [
                    "api_key",
                    "apiKey",
                    "X_API_KEY",
                    "MAILGUN_API_KEY",
                    "client_secret",
                    "SECRET_KEY",
                    "auth_token",
                ]
            )
        case "private_key":
            return _pem(rng), "private_key"
    raise ValueError(kind)


def _pem(rng: random.Random) -> str:
    label = rng.choice(["RSA PRIVATE KEY", "PRIVATE KEY", "OPENSSH PRIVATE KEY", "EC PRIVATE KEY"])
    lines = [rand(rng, 64, B64) for _ in range(rng.randint(4, 12))] + [
        rand(rng, rng.randint(8, 60), B64) + "="
    ]
    return f"-----BEGIN {label}-----\n" + "\n".join(lines) + f"\n-----END {label}-----"


FORMAT_KINDS = [
    "anthropic",
    "openai",
    "openai_legacy",
    "aws_key_id",
    "github",
    "github_pat",
    "gitlab",
    "slack",
    "stripe",
    "google",
    "google_oauth",
    "npm",
    "pypi",
    "huggingface",
    "sendgrid",
    "twilio_sid",
    "azure_client_secret",
    "jwt",
]
CONTEXT_KINDS = ["aws_secret", "twilio_token", "azure_storage", "password", "generic_api_key"]
SPECIAL_KINDS = (
    "private_key",
    "slack_webhook",
    "url_password",
    "authorization",
    "cli_flag",
    "kubernetes",
    "cookie",
    "curl_user",
)
ALL_KINDS = FORMAT_KINDS + CONTEXT_KINDS + list(SPECIAL_KINDS)


# ------------------------------------------------------------------------------------------------
# Benign agent output


def sha(rng: random.Random, n: int = 40) -> str:
    return "".join(rng.choice(HEX) for _ in range(n))


def uuid(rng: random.Random) -> str:
    h = sha(rng, 32)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:]}"


def git_log(rng: random.Random) -> str:
    out = []
    for _ in range(rng.randint(3, 12)):
        out.append(
            f"commit {sha(rng)}\nAuthor: Dev {rng.choice(WORDS).title()} <dev@example.org>\n"
            f"Date:   Tue Mar {rng.randint(1, 28)} 10:{rng.randint(10, 59)}:00 2025 +0000\n\n"
            f"    {rng.choice(['Fix', 'Add', 'Refactor', 'Update'])} {rng.choice(WORDS)} {rng.choice(WORDS)} handling\n"
        )
    return "\n".join(out)


def git_diff(rng: random.Random, added: list[str] | None = None) -> str:
    name = f"src/{rng.choice(WORDS)}/{rng.choice(WORDS)}.py"
    lines = [
        f"diff --git a/{name} b/{name}",
        f"index {sha(rng, 7)}..{sha(rng, 7)} 100644",
        f"--- a/{name}",
        f"+++ b/{name}",
        f"@@ -{rng.randint(1, 200)},7 +{rng.randint(1, 200)},9 @@ def {rng.choice(WORDS)}_{rng.choice(WORDS)}(self):",
    ]
    body = [
        "     if not token:",
        "         raise ValueError('missing token')",
        "-    api_key = config.get('api_key')",
        "+    api_key = os.environ.get('API_KEY', '')",
        "+    headers = {'Authorization': f'Bearer {api_key}'}",
        "     password = getpass.getpass('Password: ')",
        "     session.auth = (user, password)",
        "     max_tokens = 4096",
        f"     cache_key = f'{{user_id}}:{{{rng.choice(WORDS)}}}'",
        "     token_count = len(tokenizer.encode(text))",
    ]
    rng.shuffle(body)
    for line in added or []:
        body.insert(rng.randrange(len(body) + 1), "+" + line)
    return "\n".join(lines + body) + "\n"


def pytest_output(rng: random.Random, extra: list[str] | None = None) -> str:
    tests = [f"tests/test_{rng.choice(WORDS)}.py" for _ in range(rng.randint(3, 8))]
    lines = [
        "============================= test session starts ==============================",
        "platform linux -- Python 3.11.7, pytest-8.3.2, pluggy-1.5.0",
        f"rootdir: /home/dev/{rng.choice(WORDS)}",
        "plugins: hypothesis-6.100.1, timeout-2.3.1",
        f"collected {rng.randint(10, 300)} items",
        "",
    ]
    for test in tests:
        lines.append(
            f"{test} {'.' * rng.randint(3, 30)}{rng.choice(['F', '.', 's', ''])}   [{rng.randint(1, 100):3d}%]"
        )
    lines += [
        "",
        "=================================== FAILURES ===================================",
        f"___________________ test_{rng.choice(WORDS)}_{rng.choice(WORDS)} ___________________",
        "",
        "    def test_login(client):",
        "        resp = client.post('/login', json={'username': 'u', 'password': pw})",
        ">       assert resp.status_code == 200",
        "E       assert 401 == 200",
        "E        +  where 401 = <Response [401]>.status_code",
        "",
    ]
    lines += extra or []
    lines.append(
        f"========================= 1 failed, {rng.randint(5, 200)} passed in {rng.random() * 9:.2f}s ========================="
    )
    return "\n".join(lines) + "\n"


def json_tool_result(rng: random.Random, extra: dict[str, object] | None = None) -> str:
    data: dict[str, object] = {
        "id": "toolu_01" + rand(rng, 22),
        "message_id": "msg_01" + rand(rng, 22),
        "call_id": "call_" + rand(rng, 24),
        "request_id": uuid(rng),
        "usage": {
            "input_tokens": rng.randint(10, 9000),
            "output_tokens": rng.randint(10, 3000),
            "cache_read_input_tokens": rng.randint(0, 50000),
        },
        "model": "claude-sonnet-4-5",
        "max_tokens": 8192,
        "token_type": "bearer",
        "next_page_token": None,
        "commit": sha(rng),
        "files": [f"src/{rng.choice(WORDS)}.py" for _ in range(rng.randint(1, 6))],
        "secret_name": f"{rng.choice(WORDS)}-credentials",
        "api_key_env": "ANTHROPIC_API_KEY",
        "key": rng.choice(WORDS),
    }
    if extra:
        data.update(extra)
    return json.dumps(data, indent=rng.choice([None, 2]))


def npm_log(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(5, 20)):
        pkg = rng.choice(WORDS) + "-" + rng.choice(WORDS)
        lines.append(
            f"npm http fetch GET 200 https://registry.npmjs.org/{pkg} {rng.randint(5, 900)}ms (cache revalidated)"
        )
    lines += [
        f"added {rng.randint(10, 900)} packages, and audited {rng.randint(900, 2000)} packages in {rng.randint(2, 60)}s",
        f"{rng.randint(10, 200)} packages are looking for funding",
        "  run `npm fund` for details",
        "found 0 vulnerabilities",
        "npm notice Run npm login to authenticate with your npm token (auth: none)",
    ]
    return "\n".join(lines) + "\n"


def lockfile(rng: random.Random) -> str:
    packages = {}
    for _ in range(rng.randint(5, 25)):
        name = f"node_modules/{rng.choice(WORDS)}-{rng.choice(WORDS)}"
        digest = base64.b64encode(rng.randbytes(64)).decode()
        packages[name] = {
            "version": f"{rng.randint(0, 9)}.{rng.randint(0, 30)}.{rng.randint(0, 30)}",
            "resolved": f"https://registry.npmjs.org/{name[13:]}/-/{name[13:]}-1.0.0.tgz",
            "integrity": "sha512-" + digest,
            "license": "MIT",
        }
    return json.dumps({"name": "app", "lockfileVersion": 3, "packages": packages}, indent=2)


def base64_image(rng: random.Random) -> str:
    blob = base64.b64encode(rng.randbytes(rng.randint(1000, 12000))).decode()
    return json.dumps(
        {
            "type": "image",
            "source": {"type": "base64", "media_type": "image/png", "data": blob},
            "markdown": f"![plot](data:image/png;base64,{blob[:400]})",
        }
    )


def python_source(rng: random.Random) -> str:
    return (
        "\n".join(
            [
                "import os",
                "from dataclasses import dataclass",
                "",
                "@dataclass",
                "class Settings:",
                "    api_key: str | None = None",
                "    password: str = ''",
                "    token_url: str = 'https://auth.example.org/token'",
                "    secret_name: str = 'prod/db'",
                "",
                "def load() -> Settings:",
                "    api_key = os.environ.get('OPENAI_API_KEY')",
                "    password = os.environ['DB_PASSWORD']",
                "    token = self.session.token",
                "    client = Client(api_key=api_key, timeout=30)",
                "    secret = vault.read(secret_name)",
                f"    # TODO({rng.choice(WORDS)}): rotate keys",
                "    SECRET_KEY = os.environ['DJANGO_SECRET_KEY']",
                "    return Settings(api_key=api_key, password=password)",
            ]
        )
        + "\n"
    )


def shell_session(rng: random.Random) -> str:
    return (
        "\n".join(
            [
                f"$ cd ~/src/{rng.choice(WORDS)} && ls -la",
                f"drwxr-xr-x  5 dev dev 4096 Mar {rng.randint(1, 28)} 10:00 .",
                "-rw-r--r--  1 dev dev  220 Mar  3 10:00 .env.example",
                "$ cat .env.example",
                "OPENAI_API_KEY=your_openai_api_key_here",
                "DATABASE_URL=postgres://user:password@localhost:5432/app",
                "STRIPE_SECRET_KEY=sk_test_xxxxxxxxxxxxxxxxxxxxxxxx",
                "SECRET_KEY=changeme",
                "API_TOKEN=<token>",
                "export GITHUB_TOKEN=${GITHUB_TOKEN}",
                "AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE",
                "$ docker login -u dev --password-stdin ghcr.io",
                "Login Succeeded",
                "$ git push origin HEAD",
                f"To github.com:org/{rng.choice(WORDS)}.git",
                f"   {sha(rng, 7)}..{sha(rng, 7)}  HEAD -> main",
                f'$ curl -s -H "Authorization: Bearer $TOKEN" https://api.example.org/v1/{rng.choice(WORDS)}',
                '{"ok": true, "items": []}',
            ]
        )
        + "\n"
    )


def http_session(rng: random.Random) -> str:
    """A verbose curl exchange that holds no secret (prompts, variables, cookie files, harmless cookies)."""
    word = rng.choice(WORDS)
    command = rng.choice(
        [
            f"$ curl -sSv https://api.example.org/v1/{word}",
            f'$ curl -v -u "$API_USER:$API_TOKEN" https://api.example.org/v1/{word}',
            f"$ curl -v -u admin https://localhost:8443/{word}/health\nEnter host password for user 'admin':",
            f"$ curl -v -c cookies.txt -b cookies.txt https://example.org/{word}",
            "$ curl -v --user-agent 'Mozilla/5.0 (X11; Linux x86_64)' https://example.org/",
        ]
    )
    request = [
        f"> GET /v1/{word} HTTP/1.1",
        "> Host: api.example.org",
        "> User-Agent: curl/8.5.0",
        "> Accept: */*",
    ]
    if rng.random() < 0.5:
        request.append(rng.choice(["> Cookie: theme=dark; lang=en-US", "> Cookie: _ga=GA1.2; consent=yes"]))
    response = [
        "< HTTP/1.1 200 OK",
        f"< date: Mon, {rng.randint(1, 28)} Apr 2026 10:{rng.randint(10, 59)}:00 GMT",
        "< content-type: application/json; charset=utf-8",
        f"< x-request-id: {uuid(rng)}",
        rng.choice(
            [
                "< set-cookie: lang=en; Path=/; Max-Age=31536000; SameSite=Lax",
                "< Set-Cookie: id=a3fWa; Expires=Thu, 21 Oct 2027 07:28:00 GMT; Secure; HttpOnly",
                "< cache-control: no-store",
            ]
        ),
        "<",
    ]
    items = [
        {"id": rng.randint(1, 99999), "name": rng.choice(WORDS), "updated": "2026-04-01T10:00:00Z"}
        for _ in range(rng.randint(2, 8))
    ]
    after = rng.choice(
        [
            'document.cookie = "theme=dark; path=/";',
            "$ docker run -u 1000:1000 --rm app",
            "$ sort -u names.txt | head",
            "$ ps -u root -o pid,cmd",
            f"$ md5sum twilio-9.0.0.tar.gz\n{sha(rng, 32)}  twilio-9.0.0.tar.gz",
        ]
    )
    return (
        "\n".join([command, *request, ">", *response, json.dumps({"items": items}, indent=2), after]) + "\n"
    )


def yaml_config(rng: random.Random) -> str:
    return (
        "\n".join(
            [
                "apiVersion: v1",
                "kind: ConfigMap",
                "metadata:",
                f"  name: {rng.choice(WORDS)}-config",
                "data:",
                f"  LOG_LEVEL: {rng.choice(['info', 'debug'])}",
                "  FEATURE_FLAGS: beta,gamma",
                "---",
                "services:",
                "  db:",
                "    image: postgres:16",
                "    environment:",
                "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD}",
                "      POSTGRES_USER: app",
                "  web:",
                "    env_file: .env",
                "    secrets:",
                "      - db_password",
                "jobs:",
                "  build:",
                "    steps:",
                "      - uses: actions/checkout@v4",
                "      - run: npm publish",
                "        env:",
                "          NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}",
            ]
        )
        + "\n"
    )


def prose(rng: random.Random) -> str:
    return (
        f"I updated the {rng.choice(WORDS)} module so the token refresh happens before the request. "
        "The API key is read from the environment (never hard-coded), and the password prompt uses getpass. "
        "Bearer tokens are cached per session; the secret store is only read at start-up. "
        f"Commit {sha(rng, 7)} fixes the failing test, see run {uuid(rng)}.\n"
    )


def _identifier(rng: random.Random) -> str:
    return "_".join(rng.choice(WORDS) for _ in range(rng.randint(1, 3)))


def source_code(rng: random.Random) -> str:
    """A source file as `cat` or a Read tool shows it: mostly identifiers, calls and control flow."""
    lines = [
        f"from {rng.choice(WORDS)}.{rng.choice(WORDS)} import {_identifier(rng)}, {_identifier(rng)}",
        "",
    ]
    for _ in range(rng.randint(3, 12)):
        func = _identifier(rng)
        args = ", ".join(_identifier(rng) for _ in range(rng.randint(0, 3)))
        lines.append(f"def {func}({args}) -> {rng.choice(['int', 'str', 'bool', 'None', 'list[str]'])}:")
        lines.append(
            f'    """{rng.choice(WORDS).capitalize()} the {rng.choice(WORDS)} for each {rng.choice(WORDS)}."""'
        )
        for _ in range(rng.randint(2, 10)):
            lines.append(
                rng.choice(
                    [
                        f"    {_identifier(rng)} = {_identifier(rng)}({_identifier(rng)}, {rng.randint(0, 99)})",
                        f"    for {rng.choice(WORDS)} in {_identifier(rng)}:",
                        f"        if {rng.choice(WORDS)} is None or {rng.choice(WORDS)} > {rng.randint(1, 9)}:",
                        f"            continue  # {rng.choice(WORDS)} {rng.choice(WORDS)}",
                        f"    result[{rng.choice(WORDS)!r}] = {_identifier(rng)}.{rng.choice(WORDS)}()",
                        f"    logger.debug('{rng.choice(WORDS)} %s', {_identifier(rng)})",
                        f"    return {_identifier(rng)}",
                    ]
                )
            )
        lines.append("")
    return "\n".join(f"{i + 1:6}\t{line}" for i, line in enumerate(lines)) + "\n"


def grep_output(rng: random.Random) -> str:
    return "".join(
        f"src/{rng.choice(WORDS)}/{rng.choice(WORDS)}.py:{rng.randint(1, 900)}:    "
        f"{_identifier(rng)} = {_identifier(rng)}({rng.choice(WORDS)})\n"
        for _ in range(rng.randint(5, 40))
    )


def file_listing(rng: random.Random) -> str:
    lines = [f"total {rng.randint(10, 900)}"]
    for _ in range(rng.randint(5, 40)):
        lines.append(
            f"-rw-r--r--  1 dev dev {rng.randint(100, 99999):6} Mar {rng.randint(1, 28):2} 10:{rng.randint(10, 59)} "
            f"{_identifier(rng)}.{rng.choice(['py', 'ts', 'md', 'json', 'toml'])}"
        )
    return "\n".join(lines) + "\n"


def build_log(rng: random.Random) -> str:
    lines = []
    for _ in range(rng.randint(5, 30)):
        pkg = rng.choice(WORDS) + "-" + rng.choice(WORDS)
        lines.append(
            rng.choice(
                [
                    f"Collecting {pkg}>={rng.randint(1, 9)}.{rng.randint(0, 20)}",
                    f"  Downloading https://files.pythonhosted.org/packages/{sha(rng, 2)}/{sha(rng, 2)}/{sha(rng, 60)}/"
                    f"{pkg}-1.{rng.randint(0, 9)}.0-py3-none-any.whl ({rng.randint(5, 900)} kB)",
                    f"   Compiling {pkg} v0.{rng.randint(1, 30)}.{rng.randint(0, 9)}",
                    f"src/{rng.choice(WORDS)}.ts({rng.randint(1, 300)},{rng.randint(1, 80)}): error TS2345: Argument of type "
                    f"'string' is not assignable to parameter of type 'number'.",
                    f"Successfully installed {pkg}-{rng.randint(1, 5)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}",
                ]
            )
        )
    return "\n".join(lines) + "\n"


def markdown_doc(rng: random.Random) -> str:
    out = [f"# {rng.choice(WORDS).capitalize()} {rng.choice(WORDS)}", ""]
    for _ in range(rng.randint(2, 8)):
        out.append(" ".join(rng.choice(WORDS) for _ in range(rng.randint(20, 60))).capitalize() + ".")
        out.append("")
        out.append(f"- `{_identifier(rng)}`: {' '.join(rng.choice(WORDS) for _ in range(8))}")
        out.append("")
    return "\n".join(out)


#: Everyday output: code, searches, listings, builds, docs. Few keywords, many identifiers.
NEUTRAL: tuple[Callable[[random.Random], str], ...] = (
    source_code,
    grep_output,
    file_listing,
    build_log,
    markdown_doc,
    git_log,
    pytest_output,
    npm_log,
    lockfile,
)

BENIGN: tuple[Callable[[random.Random], str], ...] = (
    git_log,
    git_diff,
    pytest_output,
    json_tool_result,
    npm_log,
    lockfile,
    base64_image,
    python_source,
    shell_session,
    yaml_config,
    prose,
    http_session,
)


# ------------------------------------------------------------------------------------------------
# Putting a secret into a realistic context


def embed(rng: random.Random, kind: str) -> Document:
    """A benign document of a random type with one secret of *kind* in a realistic context."""
    if kind == "url_password":
        value = _password(rng).replace("@", "A").replace("/", "x").replace(":", "y").replace("#", "h")
        url = f"{rng.choice(['postgres', 'mysql', 'redis', 'https', 'amqp', 'mongodb+srv'])}://app:{value}@db.internal.example:5432/app"
        line = rng.choice(
            [f"DATABASE_URL={url}", f"Connecting to {url} ...", f"git clone {url}", json.dumps({"dsn": url})]
        )
        return _wrap(rng, line, [value], kind)
    if kind == "authorization":
        value = rand(rng, rng.randint(24, 64), URLSAFE + ".")
        scheme = rng.choice(["Bearer", "Basic", "token"])
        line = rng.choice(
            [
                f"curl -H 'Authorization: {scheme} {value}' https://api.example.org/v1/me",
                f"> Authorization: {scheme} {value}",
                json.dumps({"headers": {"Authorization": f"{scheme} {value}", "Accept": "application/json"}}),
                f"x-api-key: {value}",
            ]
        )
        return _wrap(rng, line, [value], kind)
    if kind == "cli_flag":
        value = _password(rng).replace("'", "")
        line = rng.choice(
            [
                f"$ mysql -u root -p'{value}' -h 127.0.0.1 app",
                f"$ mysql -uroot -p{value.replace(' ', '')} app",
                f"$ psql --password {value} -U app",
                f"$ ./deploy.sh --token={value}",
                f"$ vault login --api-key {value}",
                f"$ sshpass -p '{value}' ssh deploy@host",
            ]
        )
        secret = value.replace(" ", "") if "-uroot" in line else value
        return _wrap(rng, line, [secret], kind)
    if kind == "cookie":
        name = rng.choice(
            ["sessionid", "session", "_gh_sess", "PHPSESSID", "connect.sid", "remember_token", "_app_session"]
        )
        value = rand(rng, 32, HEX) if name == "PHPSESSID" else rand(rng, rng.randint(24, 64), URLSAFE)
        pair = f"{name}={value}"
        line = rng.choice(
            [
                f"> Cookie: {pair}; theme=dark",
                f"< Set-Cookie: {pair}; Path=/; HttpOnly; SameSite=Lax",
                f"$ curl -b '{pair}' https://app.example.org/api/me",
                f"$ curl -H 'Cookie: {pair}' https://app.example.org/api/me",
                json.dumps({"headers": {"Cookie": pair, "Accept": "*/*"}}),
            ]
        )
        return _wrap(rng, line, [value], kind)
    if kind == "curl_user":
        value = _password(rng).replace("'", "")
        user = rng.choice(["admin", "deploy", "api", "ci-bot"])
        line = rng.choice(
            [
                f"$ curl -u {user}:{value.replace(' ', '')} https://api.example.org/v1/status",
                f"$ curl --user '{user}:{value}' -X POST https://api.example.org/v1/deploy",
                f"$ curl -sS -U proxy:{value.replace(' ', '')} -x http://proxy:3128 https://example.org",
                f"$ curl -X POST \\\n    -u {user}:{value.replace(' ', '')} \\\n    https://api.example.org/v1/jobs",
                json.dumps(
                    {"command": f"curl -u {user}:{value.replace(' ', '')} https://api.example.org/v1/x"}
                ),
            ]
        )
        secret = value if "--user '" in line else value.replace(" ", "")
        return _wrap(rng, line, [secret], kind)
    if kind == "kubernetes":
        values = [base64.b64encode(_password(rng).encode()).decode() for _ in range(2)]
        text = "\n".join(
            [
                "$ kubectl get secret app-secrets -o yaml",
                "apiVersion: v1",
                "data:",
                f"  db-password: {values[0]}",
                f"  tls.key: {values[1]}",
                "kind: Secret",
                "metadata:",
                "  name: app-secrets",
                "  namespace: default",
                "type: Opaque",
            ]
        )
        return Document(text + "\n" + benign(rng), values, kind, "kubectl")
    if kind == "slack_webhook":
        value = rand(rng, 24)
        url = f"https://hooks.slack.com/services/T{rand(rng, 8).upper()}/B{rand(rng, 8).upper()}/{value}"
        return _wrap(
            rng, rng.choice([f"SLACK_WEBHOOK_URL={url}", f"curl -X POST {url} -d @msg.json"]), [value], kind
        )
    value, name = make_secret(rng, kind)
    if kind == "private_key":
        context = rng.choice(["cat", "json", "yaml"])
        if context == "cat":
            text = f"$ cat ~/.ssh/id_{rng.choice(['rsa', 'ed25519'])}\n{value}\n"
        elif context == "json":
            text = json.dumps(
                {
                    "type": "service_account",
                    "private_key_id": sha(rng),
                    "private_key": value + "\n",
                    "client_email": "bot@proj.iam.gserviceaccount.com",
                },
                indent=2,
            )
        else:
            text = "tls:\n  key: |\n" + "\n".join("    " + line for line in value.splitlines()) + "\n"
        return Document(text + benign(rng), _key_lines(value), kind, context)
    if kind in CONTEXT_KINDS:
        line = _assignment(rng, name, value, kind)
    else:
        line = rng.choice([_assignment(rng, name, value, kind), _free_text(rng, value)])
    return _wrap(rng, line, [value], kind)


def _key_lines(pem: str) -> list[str]:
    # The body lines are the secret; every one must be gone.
    return [line for line in pem.splitlines() if not line.startswith("-----")]


def _assignment(rng: random.Random, name: str, value: str, kind: str) -> str:
    if kind == "azure_storage":
        return rng.choice(
            [
                f"AZURE_STORAGE_CONNECTION_STRING=DefaultEndpointsProtocol=https;AccountName=acct{rng.randint(1, 99)};AccountKey={value};EndpointSuffix=core.windows.net",
                json.dumps(
                    {"connectionString": f"DefaultEndpointsProtocol=https;AccountName=a;AccountKey={value}"}
                ),
            ]
        )
    if kind == "twilio_token":
        sid = "A" + "C" + rand(rng, 32, HEX)
        return rng.choice(
            [
                f"TWILIO_AUTH_TOKEN={value}",
                f'client = Client("{sid}", "{value}")',
                f'auth_token = "{value}"',
                f"from twilio.rest import Client\n\nclient = Client(os.environ['TWILIO_ACCOUNT_SID'], '{value}')",
            ]
        )
    if kind == "aws_secret":
        key_id = make_secret(rng, "aws_key_id")[0]
        return rng.choice(
            [
                f"aws_secret_access_key = {value}",
                json.dumps({"AccessKeyId": key_id, "SecretAccessKey": value, "SessionToken": None}),
                f"export AWS_SECRET_ACCESS_KEY={value}",
                f"{key_id},{value}",
            ]
        )
    style = rng.randrange(7)
    if style == 0:
        return f"{name}={value}"
    if style == 1:
        return f"export {name}='{value}'"
    if style == 2:
        return json.dumps({name: value})
    if style == 3:
        return f"  {name.lower()}: {value}"
    if style == 4:
        return f'{name.upper()} = "{value}"'
    if style == 5:
        return f'client = make_client({name.lower()}="{value}")'
    return f"[{rng.choice(WORDS)}]\n{name.lower()} = {value}"


def _free_text(rng: random.Random, value: str) -> str:
    return rng.choice(
        [
            f"Using credentials {value} for the upload",
            f"Error: request failed (401) for key {value}",
            f"\x1b[33mwarning\x1b[0m: token \x1b[1m{value}\x1b[0m expires soon",
            f"echo {value} | gh auth login --with-token",
            f"https://api.example.org/v1/items?key={value}&page=2",
            f"{value}",
        ]
    )


def _wrap(rng: random.Random, line: str, secrets: list[str], kind: str) -> Document:
    style = rng.randrange(5)
    if style == 0:
        text = pytest_output(rng, ["E       " + line])
    elif style == 1:
        text = git_diff(rng, [line])
    elif style == 2:
        text = json.dumps(
            {
                "type": "tool_result",
                "tool_use_id": "toolu_01" + rand(rng, 22),
                "content": line + "\n" + prose(rng),
            }
        )
    elif style == 3:
        text = shell_session(rng) + line + "\n"
    else:
        text = json_tool_result(rng) + "\n" + line + "\n"
    return Document(text, secrets, kind, ["pytest", "diff", "json-escaped", "shell", "json"][style])


def benign(rng: random.Random, *, dense: bool = True) -> str:
    """A secret-free document; screenshots are rarer than text in agent output.

    *dense* draws only from the generators full of look-alikes and secret-handling code (the quality
    corpus); otherwise half the documents are everyday output (:data:`NEUTRAL`), as in a real run.
    """
    if rng.random() < 0.04:
        return base64_image(rng)
    if not dense and rng.random() < 0.5:
        return rng.choice(NEUTRAL)(rng)
    return rng.choice(BENIGN[:6] + BENIGN[7:])(rng)


def corpus(seed: int, *, positives: int, negatives: int) -> tuple[list[Document], list[Document]]:
    """*positives* documents with secrets (kinds in rotation) and *negatives* without any."""
    rng = random.Random(seed)
    pos = [embed(rng, ALL_KINDS[i % len(ALL_KINDS)]) for i in range(positives)]
    neg = [Document(benign(rng, dense=False)) for _ in range(negatives)]
    return pos, neg
