"""A labelled corpus of agent tool output written apart from the redactor's rules (issue 15).

How it was made: every template below was written as the text a tool prints (or a file holds) in one
context, from the public documentation and issue threads of the tools concerned (database and
registry clients, cloud CLIs, Kubernetes, CI systems, web frameworks, SDK quick-starts), before the
rules were changed for issue 15 and without looking at how the engine parses anything. The only
inputs were "what does this tool really print or read" and, for negatives, "what in such output
merely looks like a secret" (references, masked values, placeholders, identifiers that contain a
keyword). No template was copied from the project's own corpus (``bench/redact_corpus.py``) or from
the property tests.

Templates hold placeholders ``⟦name⟧``; each instance draws fresh values at run time from random
parts (``random.Random(seed)``), so this file holds no secret-shaped literal. In positive templates
every placeholder is a secret that must not survive redaction, except names starting with ``n_``
(noise such as UUIDs, SHAs, account ids). Negative templates must come out byte for byte unchanged.

Contexts: ``plain`` (program output, logs, config files other than YAML, prose), ``shell``
(commands, terminal transcripts, shell scripts), ``yaml``, ``source`` (code and code-like config),
``url``, and ``json``: every template of the other contexts embedded JSON-escaped in the envelope of
an agent log (Claude stream-json, Claude transcript, Codex rollout with its doubly escaped
``arguments``, ``codex exec --json``, SWE-agent trajectory).

Tuning discipline: templates are split into a ``dev`` and a ``holdout`` part by a hash of their text
(about one in three is held out). Rule changes were made looking at misses and false positives of
the dev part only; bench/redact_quality.py reports both parts.
"""

# ruff: noqa: E501 - templates are tool output and read better unwrapped
from __future__ import annotations

import base64
import hashlib
import json
import random
import re
import string
from collections.abc import Callable
from dataclasses import dataclass, field

LOWER = string.ascii_lowercase
UPPER = string.ascii_uppercase
DIGITS = string.digits
ALNUM = LOWER + UPPER + DIGITS
HEX = "0123456789abcdef"
B64 = ALNUM + "+/"
URLSAFE = ALNUM + "-_"


@dataclass
class Document:
    """One labelled text: *secrets* must not survive redaction; a negative must not change at all."""

    text: str
    context: str
    template: str
    split: str
    secrets: list[str] = field(default_factory=list)


# ------------------------------------------------------------------------------------------------
# Random values, built from parts at run time


def _rand(rng: random.Random, n: int, alphabet: str = ALNUM) -> str:
    while True:
        value = "".join(rng.choice(alphabet) for _ in range(n))
        if alphabet not in (ALNUM, URLSAFE, B64) or (
            any(c.islower() for c in value)
            and any(c.isupper() for c in value)
            and any(c.isdigit() for c in value)
        ):
            return value


_WORDS = [
    "Falcon",
    "Copper",
    "Maple",
    "Harbor",
    "Quartz",
    "Velvet",
    "Orbit",
    "Juniper",
    "Cobalt",
    "Ember",
    "Saffron",
    "Tundra",
]


def _password(rng: random.Random) -> str:
    """What people and generators use: random mixes, word-and-number, passphrases, hex, base64."""
    style = rng.randrange(6)
    if style == 0:
        return rng.choice(ALNUM) + _rand(rng, rng.randint(10, 19), ALNUM + "_-.+=@%^~!*")
    if style == 1:
        return (
            rng.choice(_WORDS)
            + rng.choice(["-", "_", "", "."])
            + rng.choice(_WORDS)
            + str(rng.randint(10, 9999))
            + rng.choice(["!", "", "*", "?"])
        )
    if style == 2:
        return "-".join(rng.choice(_WORDS).lower() for _ in range(3)) + "-" + str(rng.randint(10, 99))
    if style == 3:
        return _rand(rng, rng.randint(14, 32))
    if style == 4:
        return _rand(rng, 32, HEX)
    return base64.b64encode(rng.randbytes(rng.choice([18, 24, 32]))).decode()


def _url_password(rng: random.Random) -> str:
    """A password as it appears inside a URL (unreserved characters, or percent-encoded)."""
    value = _rand(rng, rng.randint(12, 28), ALNUM + "_-.~")
    if rng.random() < 0.25:
        cut = rng.randrange(2, len(value) - 2)
        value = value[:cut] + rng.choice(["%40", "%21", "%23", "%2F"]) + value[cut:]
    return rng.choice(ALNUM) + value


def _b64(data: bytes, *, url: bool = False, pad: bool = True) -> str:
    text = (base64.urlsafe_b64encode if url else base64.b64encode)(data).decode()
    return text if pad else text.rstrip("=")


def _jwt(rng: random.Random) -> str:
    header = _b64(
        json.dumps({"alg": rng.choice(["RS256", "HS256", "ES256"]), "typ": "JWT"}).encode(),
        url=True,
        pad=False,
    )
    claims = {
        "iss": rng.choice(["https://accounts.example.com", "kubernetes/serviceaccount", "supabase"]),
        "sub": _rand(rng, 12),
        "iat": rng.randint(1_700_000_000, 1_800_000_000),
        "exp": rng.randint(1_800_000_000, 1_900_000_000),
    }
    payload = _b64(json.dumps(claims).encode(), url=True, pad=False)
    return f"{header}.{payload}.{_rand(rng, 43, URLSAFE)}"


def _pem_lines(rng: random.Random) -> list[str]:
    body = rng.randbytes(rng.choice([300, 600, 900]))
    text = _b64(body)
    return [text[i : i + 64] for i in range(0, len(text), 64)]


def _pem(rng: random.Random, *, escaped: bool = False, indent: str = "") -> tuple[str, list[str]]:
    label = rng.choice(["RSA PRIVATE KEY", "PRIVATE KEY", "EC PRIVATE KEY", "OPENSSH PRIVATE KEY"])
    lines = _pem_lines(rng)
    begin, end = "-----BEGIN " + label + "-----", "-----END " + label + "-----"
    newline = "\\n" if escaped else "\n" + indent
    text = begin + newline + newline.join(lines) + newline + end + ("\\n" if escaped else "")
    return text, [line for line in lines if len(line) >= 16]


def _aws_id(rng: random.Random, prefix: str = "AK" + "IA") -> str:
    return prefix + _rand(rng, 16, UPPER + "234567")


def _provider(rng: random.Random) -> tuple[str, str]:
    """(environment variable, key) for a provider, keys in each provider's documented shape."""
    choices: list[tuple[str, Callable[[], str]]] = [
        (
            "OPENAI_API_KEY",
            lambda: "sk-" + "proj-" + _rand(rng, 64, URLSAFE) + "T3Blbk" + "FJ" + _rand(rng, 64, URLSAFE),
        ),
        ("ANTHROPIC_API_KEY", lambda: "sk-" + "ant-api03-" + _rand(rng, 93, URLSAFE) + "AA"),
        ("GITHUB_TOKEN", lambda: "gh" + "p_" + _rand(rng, 36)),
        ("GH_TOKEN", lambda: "github" + "_pat_" + _rand(rng, 22) + "_" + _rand(rng, 59)),
        ("GITLAB_TOKEN", lambda: "gl" + "pat-" + _rand(rng, 20, URLSAFE)),
        ("STRIPE_SECRET_KEY", lambda: "sk" + "_live_" + _rand(rng, 99)),
        (
            "SLACK_BOT_TOKEN",
            lambda: (
                "xo" + "xb-" + _rand(rng, 12, DIGITS) + "-" + _rand(rng, 13, DIGITS) + "-" + _rand(rng, 24)
            ),
        ),
        ("HF_TOKEN", lambda: "h" + "f_" + _rand(rng, 34, LOWER + UPPER)),
        ("NPM_TOKEN", lambda: "np" + "m_" + _rand(rng, 36)),
        ("SENDGRID_API_KEY", lambda: "S" + "G." + _rand(rng, 22, URLSAFE) + "." + _rand(rng, 43, URLSAFE)),
        ("MISTRAL_API_KEY", lambda: _rand(rng, 32)),
        ("COHERE_API_KEY", lambda: _rand(rng, 40)),
        ("GROQ_API_KEY", lambda: "gs" + "k_" + _rand(rng, 52)),
        ("OPENROUTER_API_KEY", lambda: "sk-" + "or-v1-" + _rand(rng, 64, HEX)),
        ("PERPLEXITY_API_KEY", lambda: "pp" + "lx-" + _rand(rng, 48)),
        ("REPLICATE_API_TOKEN", lambda: "r8" + "_" + _rand(rng, 37)),
        ("DD_API_KEY", lambda: _rand(rng, 32, HEX)),
        ("DATADOG_APP_KEY", lambda: _rand(rng, 40, HEX)),
        ("MAILGUN_API_KEY", lambda: "ke" + "y-" + _rand(rng, 32, HEX)),
        ("DIGITALOCEAN_ACCESS_TOKEN", lambda: "do" + "p_v1_" + _rand(rng, 64, HEX)),
        ("VAULT_TOKEN", lambda: "hv" + "s." + _rand(rng, 90, URLSAFE)),
        ("CLOUDFLARE_API_TOKEN", lambda: _rand(rng, 40, URLSAFE)),
        ("LINEAR_API_KEY", lambda: "lin" + "_api_" + _rand(rng, 40)),
        ("NOTION_TOKEN", lambda: "sec" + "ret_" + _rand(rng, 43)),
        ("DATABRICKS_TOKEN", lambda: "da" + "pi" + _rand(rng, 32, HEX)),
        ("SHOPIFY_ACCESS_TOKEN", lambda: "sh" + "pat_" + _rand(rng, 32, HEX)),
        ("POSTMAN_API_KEY", lambda: "PM" + "AK-" + _rand(rng, 24, HEX) + "-" + _rand(rng, 34, HEX)),
        ("PULUMI_ACCESS_TOKEN", lambda: "pu" + "l-" + _rand(rng, 40, HEX)),
        ("DOPPLER_TOKEN", lambda: "dp" + ".st.prd." + _rand(rng, 43)),
        ("GOOGLE_API_KEY", lambda: "AI" + "za" + _rand(rng, 35, URLSAFE)),
        ("GEMINI_API_KEY", lambda: "AI" + "za" + _rand(rng, 35, URLSAFE)),
        ("HEROKU_API_KEY", lambda: _uuid(rng)),
        ("SUPABASE_ACCESS_TOKEN", lambda: "sb" + "p_" + _rand(rng, 40, HEX)),
        ("GRAFANA_SERVICE_ACCOUNT_TOKEN", lambda: "gl" + "sa_" + _rand(rng, 32) + "_" + _rand(rng, 8, HEX)),
        ("TWILIO_AUTH_TOKEN", lambda: _rand(rng, 32, HEX)),
        ("SENTRY_AUTH_TOKEN", lambda: _rand(rng, 64, HEX)),
        ("CIRCLECI_TOKEN", lambda: _rand(rng, 40, HEX)),
        ("VERCEL_TOKEN", lambda: _rand(rng, 24)),
        ("NETLIFY_AUTH_TOKEN", lambda: "nf" + "p_" + _rand(rng, 36)),
        ("AZURE_OPENAI_API_KEY", lambda: _rand(rng, 32, HEX)),
        ("ELEVENLABS_API_KEY", lambda: "sk" + "_" + _rand(rng, 48, HEX)),
        ("DEEPSEEK_API_KEY", lambda: "sk-" + _rand(rng, 32, HEX)),
        ("XAI_API_KEY", lambda: "xa" + "i-" + _rand(rng, 80)),
        ("TOGETHER_API_KEY", lambda: _rand(rng, 64, HEX)),
        ("PINECONE_API_KEY", lambda: "pc" + "sk_" + _rand(rng, 5) + "_" + _rand(rng, 64)),
        (
            "ATLASSIAN_API_TOKEN",
            lambda: "ATA" + "TT3xFfGF0" + _rand(rng, 170, URLSAFE) + "=" + _rand(rng, 8, HEX.upper()),
        ),
    ]
    name, build = rng.choice(choices)
    return name, build()


def _uuid(rng: random.Random) -> str:
    h = _rand(rng, 32, HEX)
    return f"{h[:8]}-{h[8:12]}-4{h[13:16]}-{rng.choice('89ab')}{h[17:20]}-{h[20:]}"


def _camel(name: str) -> str:
    first, *rest = name.lower().split("_")
    return first + "".join(word.capitalize() for word in rest)


# name -> value builder; "n_" names are noise (not secrets) in positive templates.
GENERATORS: dict[str, Callable[[random.Random], str]] = {
    "pw": _password,
    "urlpw": _url_password,
    "gh": lambda r: "gh" + "p_" + _rand(r, 36),
    "gho": lambda r: "gh" + "o_" + _rand(r, 36),
    "ghs": lambda r: "gh" + "s_" + _rand(r, 36),
    "glpat": lambda r: "gl" + "pat-" + _rand(r, 20, URLSAFE),
    "npm": lambda r: "np" + "m_" + _rand(r, 36),
    "pypi": lambda r: "py" + "pi-AgEIcHlwaS5vcmc" + _rand(r, 120, URLSAFE),
    "openai": lambda r: "sk-" + "proj-" + _rand(r, 64, URLSAFE) + "T3Blbk" + "FJ" + _rand(r, 64, URLSAFE),
    "anthropic": lambda r: "sk-" + "ant-api03-" + _rand(r, 93, URLSAFE) + "AA",
    "stripe": lambda r: r.choice(["sk", "rk"]) + "_live_" + _rand(r, r.choice([24, 99])),
    "whsec": lambda r: "wh" + "sec_" + _rand(r, 32),
    "slack": lambda r: "xo" + "xb-" + _rand(r, 12, DIGITS) + "-" + _rand(r, 13, DIGITS) + "-" + _rand(r, 24),
    "slack_path": lambda r: (
        "T0" + _rand(r, 8, UPPER + DIGITS) + "/B0" + _rand(r, 9, UPPER + DIGITS) + "/" + _rand(r, 24)
    ),
    "discord": lambda r: _rand(r, 68, URLSAFE),
    "tg": lambda r: _rand(r, 10, DIGITS) + ":AA" + _rand(r, 33, URLSAFE),
    "google": lambda r: "AI" + "za" + _rand(r, 35, URLSAFE),
    "ya29": lambda r: "ya" + "29." + _rand(r, 150, URLSAFE),
    "sendgrid": lambda r: "S" + "G." + _rand(r, 22, URLSAFE) + "." + _rand(r, 43, URLSAFE),
    "mailgun": lambda r: "ke" + "y-" + _rand(r, 32, HEX),
    "do_token": lambda r: "do" + "p_v1_" + _rand(r, 64, HEX),
    "vault_token": lambda r: "hv" + "s." + _rand(r, 90, URLSAFE),
    "hf": lambda r: "h" + "f_" + _rand(r, 34, LOWER + UPPER),
    "twilio_sid": lambda r: "A" + "C" + _rand(r, 32, HEX),
    "aws_id": _aws_id,
    "asia_id": lambda r: _aws_id(r, "AS" + "IA"),
    "aws_secret": lambda r: _rand(r, 40, B64),
    "aws_session": lambda r: "IQoJb3JpZ2luX2Vj" + _rand(r, 320, B64),
    "azsecret": lambda r: _rand(r, 3) + r.choice(DIGITS) + "Q" + "~" + _rand(r, 34, URLSAFE + "~."),
    "azkey": lambda r: _b64(r.randbytes(64)),
    "sas_sig": lambda r: _b64(r.randbytes(32)).replace("+", "%2B").replace("/", "%2F").replace("=", "%3D"),
    "jwt": _jwt,
    "tok": lambda r: _rand(r, r.choice([32, 40, 48]), URLSAFE),
    "hex32": lambda r: _rand(r, 32, HEX),
    "hex40": lambda r: _rand(r, 40, HEX),
    "hex48": lambda r: _rand(r, 48, HEX),
    "hex64": lambda r: _rand(r, 64, HEX),
    "alnum16": lambda r: _rand(r, 16),
    "alnum20": lambda r: _rand(r, 20),
    "alnum32": lambda r: _rand(r, 32),
    "alnum40": lambda r: _rand(r, 40),
    "b64_32": lambda r: _b64(r.randbytes(32)),
    "b64_48": lambda r: _b64(r.randbytes(48)),
    "gmail_app_pw": lambda r: " ".join(_rand(r, 4, LOWER) for _ in range(4)),
    "django": lambda r: _rand(r, 50, LOWER + DIGITS + "!@#%^&*(-_=+)"),
    "wpsalt": lambda r: _rand(r, 64, ALNUM + "!#%&()*+,-./:;<=>?@[]^_{|}~"),
    "es_pw": lambda r: _rand(r, 20, ALNUM + "*_=-+"),
    "mysql_temp": lambda r: _rand(r, 12, ALNUM + ";:<>!#%&*()_+-="),
    "wg": lambda r: _b64(r.randbytes(32)),
    "age": lambda r: "AGE-" + "SECRET-KEY-1" + _rand(r, 58, "QPZRY9X8GF2TVDW0S3JN54KHCE6MUA7L"),
    "confluent_key": lambda r: _rand(r, 16, UPPER + DIGITS),
    "confluent_secret": lambda r: _rand(r, 64, B64),
    "k8s_token": lambda r: _rand(r, 6, LOWER + DIGITS) + "." + _rand(r, 16, LOWER + DIGITS),
    # noise: never a secret
    "uuid": _uuid,
    "ecr": lambda r: _b64(
        json.dumps(
            {
                "payload": _b64(r.randbytes(900)),
                "datakey": _b64(r.randbytes(200)),
                "version": "2",
                "type": "DATA_KEY",
                "expiration": r.randint(1_700_000_000, 1_800_000_000),
            }
        ).encode()
    ),
    "n_uuid": _uuid,
    "n_uuid2": _uuid,
    "n_uuid3": _uuid,
    "n_sha40": lambda r: _rand(r, 40, HEX),
    "n_sha7": lambda r: _rand(r, 7, HEX),
    "n_hex32": lambda r: _rand(r, 32, HEX),
    "n_hex64": lambda r: _rand(r, 64, HEX),
    "n_int": lambda r: str(r.randint(2, 99999)),
    "n_account": lambda r: _rand(r, 12, DIGITS),
    "n_last4": lambda r: _rand(r, 4, ALNUM),
    "n_b64_43": lambda r: _b64(r.randbytes(32), pad=False),
    "n_b64_86": lambda r: _b64(r.randbytes(64), pad=False),
    "n_alnum16": lambda r: _rand(r, 16),
    "n_suffix6": lambda r: _rand(r, 6),
    "n_digits21": lambda r: _rand(r, 21, DIGITS),
    "n_hex40up": lambda r: _rand(r, 40, HEX.upper()),
    "n_ip": lambda r: f"10.{r.randint(0, 255)}.{r.randint(0, 255)}.{r.randint(1, 254)}",
}


# ------------------------------------------------------------------------------------------------
# Templates. ⟦pw⟧ and ⟦pw:2⟧ are two different passwords; a name used twice is the same value.
# ⟦PVAR⟧/⟦pvar⟧/⟦pVar⟧ name a provider's key variable (upper, lower, camel case), ⟦pkey⟧ is its key.
# ⟦pem⟧ is a private key block (⟦pem_esc⟧ with literal \n, ⟦pem_yaml⟧ indented by four spaces),
# ⟦b64pw⟧ a password in base64 (Kubernetes data), ⟦b64auth⟧ base64 of user:password.

SHELL_POSITIVE = [
    '$ mysql -h db.internal -u root -p⟦pw⟧ -e "SHOW DATABASES;"\n+--------------------+\n| Database           |\n+--------------------+\n| information_schema |\n| app_production     |\n+--------------------+',
    "$ mysql --user=admin --password=⟦pw⟧ --host=127.0.0.1 shop < dump.sql\nmysql: [Warning] Using a password on the command line interface can be insecure.",
    "mysqldump -u backup --password='⟦pw⟧' --single-transaction --routines app > /backups/app.sql",
    "$ PGPASSWORD=⟦pw⟧ psql -h localhost -U postgres -d orders -c '\\dt'\n         List of relations\n Schema |  Name   | Type  |  Owner\n--------+---------+-------+----------\n public | orders  | table | postgres\n(1 row)",
    'psql "host=db.example.internal port=5432 dbname=app user=app password=⟦pw⟧ sslmode=require" -c "select count(*) from users"',
    "mongosh --host mongo-0.mongo --port 27017 -u root -p ⟦pw⟧ --authenticationDatabase admin --eval 'db.adminCommand({ listDatabases: 1 })'",
    "mongodump --username=backup --password=⟦pw⟧ --db=app --out=/backups/$(date +%F)\n2024-05-01T10:00:01.123+0000\twriting app.users to /backups/2024-05-01/app/users.bson\n2024-05-01T10:00:01.456+0000\tdone dumping app.users (1234 documents)",
    "$ redis-cli -h cache.internal -p 6379 -a ⟦pw⟧ PING\nWarning: Using a password with '-a' or '-u' option on the command line interface may not be safe.\nPONG",
    "redis-cli --pass ⟦pw⟧ --no-auth-warning INFO keyspace\n# Keyspace\ndb0:keys=1532,expires=12,avg_ttl=86123",
    "$ docker login -u deploybot -p ⟦pw⟧ registry.example.com\nWARNING! Using --password via the CLI is insecure. Use --password-stdin.\nLogin Succeeded",
    "docker login --username ci-bot --password ⟦pw⟧ ghcr.io",
    'echo "⟦pw⟧" | docker login registry.gitlab.com -u gitlab-ci-token --password-stdin',
    'helm repo add internal https://charts.example.com/stable --username ci --password ⟦pw⟧\n"internal" has been added to your repositories',
    "helm registry login registry.example.com -u robot$ci -p ⟦pw⟧\nLogin Succeeded",
    "kubectl create secret generic db-creds --from-literal=username=app --from-literal=password=⟦pw⟧ -n prod\nsecret/db-creds created",
    "kubectl create secret docker-registry regcred --docker-server=registry.example.com --docker-username=bot --docker-password=⟦pw⟧ --docker-email=bot@example.com",
    "$ kubectl get secret db-creds -n prod -o jsonpath='{.data.password}' | base64 -d\n⟦pw⟧",
    '$ kubectl get secret api-token -o jsonpath="{.data.token}" | base64 --decode; echo\n⟦tok⟧',
    '$ kubectl -n argocd get secret argocd-initial-admin-secret -o jsonpath="{.data.password}" | base64 -d\n⟦alnum16⟧',
    "aws configure set aws_secret_access_key ⟦aws_secret⟧ --profile deploy",
    "aws configure set aws_access_key_id ⟦aws_id⟧ && aws configure set aws_secret_access_key ⟦aws_secret⟧ && aws configure set region eu-west-1",
    "AWS_ACCESS_KEY_ID=⟦aws_id⟧ AWS_SECRET_ACCESS_KEY=⟦aws_secret⟧ aws s3 ls s3://build-artifacts/\n2024-04-30 12:01:02   10485760 app-1.4.2.tar.gz",
    "az login --service-principal -u ⟦n_uuid⟧ -p ⟦azsecret⟧ --tenant ⟦n_uuid2⟧",
    "az login --service-principal --username http://ci-deployer --password ⟦pw⟧ --tenant contoso.onmicrosoft.com",
    "az storage blob upload --account-name stbuild --account-key ⟦azkey⟧ -c artifacts -f dist.zip -n dist.zip",
    'az storage container list --connection-string "DefaultEndpointsProtocol=https;AccountName=stbuild;AccountKey=⟦azkey⟧;EndpointSuffix=core.windows.net" -o table',
    "gcloud sql users set-password postgres --instance=prod-db --password=⟦pw⟧\nUpdating Cloud SQL user...done.",
    "doctl auth init --access-token ⟦do_token⟧\nValidating token... OK",
    "heroku config:set STRIPE_SECRET_KEY=⟦stripe⟧ -a shop-api\nSetting STRIPE_SECRET_KEY and restarting ⬢ shop-api... done, v42",
    "flyctl secrets set DATABASE_PASSWORD=⟦pw⟧ SESSION_SECRET=⟦hex64⟧\nRelease v7 created",
    'gh secret set NPM_TOKEN --body "⟦npm⟧"\n✓ Set Actions secret NPM_TOKEN for acme/web',
    "gh secret set DEPLOY_PASSWORD -b ⟦pw⟧ --repo acme/infra",
    "$ vault login ⟦vault_token⟧\nSuccess! You are now authenticated. The token information displayed below\nis already stored in the token helper.",
    "vault kv put secret/app/db username=app password=⟦pw⟧\n====== Secret Path ======\nsecret/data/app/db",
    "export ⟦PVAR⟧=⟦pkey⟧",
    "export ⟦PVAR⟧='⟦pkey⟧'",
    '⟦PVAR⟧="⟦pkey⟧" npm run deploy',
    "⟦PVAR⟧=⟦pkey⟧ python scripts/sync.py --dry-run",
    "$ env | grep -i token\n⟦PVAR⟧=⟦pkey⟧\nTOKENIZERS_PARALLELISM=false",
    "curl -s -X POST https://api.mailgun.net/v3/mg.example.com/messages --user 'api:⟦mailgun⟧' -F to=ops@example.com -F subject=test",
    "wget --user=deploy --password=⟦pw⟧ https://files.example.com/release.tar.gz",
    "lftp -u uploader,⟦pw⟧ sftp://files.example.com -e 'put build.zip; bye'",
    "smbclient //fileserver/share -U 'svc_backup%⟦pw⟧' -c 'ls'",
    "sshpass -p '⟦pw⟧' ssh -o StrictHostKeyChecking=no deploy@10.0.4.12 'systemctl restart app'",
    "openssl pkcs12 -export -in cert.pem -inkey key.pem -out bundle.p12 -passout pass:⟦pw⟧",
    "openssl rsa -in server.key -out server.nopass.key -passin pass:⟦pw⟧\nwriting RSA key",
    "keytool -importkeystore -srckeystore bundle.p12 -srcstoretype PKCS12 -srcstorepass ⟦pw⟧ -destkeystore app.jks -deststorepass ⟦pw:2⟧",
    "zip -r -P ⟦pw⟧ backup.zip ./exports\n  adding: exports/ (stored 0%)\n  adding: exports/users.csv (deflated 71%)",
    "7z a -p⟦pw⟧ -mhe=on archive.7z config/",
    "sqlcmd -S tcp:sql.internal,1433 -U sa -P '⟦pw⟧' -Q \"SELECT name FROM sys.databases\"",
    'rabbitmqctl add_user deployer ⟦pw⟧\nAdding user "deployer" ...\nDone. Don\'t forget to grant the user permissions to some virtual hosts!',
    'rabbitmqctl change_password guest ⟦pw⟧\nChanging password for user "guest" ...',
    "htpasswd -b -c /etc/nginx/.htpasswd admin ⟦pw⟧\nAdding password for user admin",
    "echo 'deploy:⟦pw⟧' | sudo chpasswd",
    'ldapsearch -x -H ldap://ldap.example.com -D "cn=admin,dc=example,dc=com" -w ⟦pw⟧ -b "dc=example,dc=com" "(uid=jdoe)"',
    "mosquitto_pub -h broker.local -u sensor -P ⟦pw⟧ -t home/livingroom/temp -m 21.5",
    "nmcli dev wifi connect \"Office-5G\" password ⟦pw⟧\nDevice 'wlan0' successfully activated with '⟦n_uuid⟧'.",
    'ansible-playbook site.yml -i inventory/prod --extra-vars "ansible_become_password=⟦pw⟧"',
    'terraform apply -var "db_password=⟦pw⟧" -auto-approve',
    "java -Djavax.net.ssl.trustStorePassword=⟦pw⟧ -jar build/libs/app.jar --spring.profiles.active=prod",
    "mvn deploy -Drepo.username=ci -Drepo.password=⟦pw⟧ -DskipTests",
    "git clone https://oauth2:⟦glpat⟧@gitlab.com/group/project.git\nCloning into 'project'...",
    "npm config set //registry.npmjs.org/:_authToken ⟦npm⟧",
    "npm config set //npm.pkg.github.com/:_authToken=⟦gh⟧",
    "influx setup --username admin --password ⟦pw⟧ --org acme --bucket metrics --force",
    "psql -U postgres -c \"ALTER USER app WITH PASSWORD '⟦pw⟧';\"\nALTER ROLE",
    "127.0.0.1:6379> AUTH ⟦pw⟧\nOK\n127.0.0.1:6379> DBSIZE\n(integer) 1532",
    '127.0.0.1:6379> CONFIG SET requirepass "⟦pw⟧"\nOK',
    "gh auth login --with-token <<< ⟦gh⟧",
    "echo ⟦gh⟧ | gh auth login --with-token",
    "docker run -d --name pg -e POSTGRES_PASSWORD=⟦pw⟧ -p 5432:5432 postgres:16\n⟦n_hex64⟧",
    "docker run --rm -e MYSQL_ROOT_PASSWORD=⟦pw⟧ -e MYSQL_DATABASE=shop mysql:8.3",
    'docker run --rm -e "⟦PVAR⟧=⟦pkey⟧" ghcr.io/acme/agent:latest',
    "+ curl -fsS -H 'PRIVATE-TOKEN: ⟦glpat⟧' https://gitlab.example.com/api/v4/projects?membership=true",
    "+ export AWS_SECRET_ACCESS_KEY=⟦aws_secret⟧\n+ aws sts get-caller-identity",
    "$ printenv DB_PASSWORD\n⟦pw⟧",
    "$ echo $REDIS_PASSWORD\n⟦pw⟧",
    "$ cat ~/.pgpass\ndb.internal:5432:*:app:⟦pw⟧\nlocalhost:5432:app_test:postgres:⟦pw:2⟧",
    "$ cat ~/.netrc\nmachine api.heroku.com\n  login dev@example.com\n  password ⟦uuid⟧\nmachine github.com\n  login octocat\n  password ⟦gh⟧",
    "$ grep -E '^(requirepass|masterauth)' /etc/redis/redis.conf\nrequirepass ⟦pw⟧\nmasterauth ⟦pw⟧",
    "curl -u elastic:⟦pw⟧ -k https://localhost:9200/_cluster/health?pretty",
    "psql postgresql://app:⟦urlpw⟧@10.0.0.5:5432/app -c 'select 1'",
    'AWS_SECRET_ACCESS_KEY="⟦aws_secret⟧" AWS_ACCESS_KEY_ID="⟦aws_id⟧" terraform plan -out plan.bin',
    '$ aws sts get-session-token --duration-seconds 3600\n{\n    "Credentials": {\n        "AccessKeyId": "⟦asia_id⟧",\n        "SecretAccessKey": "⟦aws_secret⟧",\n        "SessionToken": "⟦aws_session⟧",\n        "Expiration": "2024-05-01T12:00:00+00:00"\n    }\n}',
    '$ aws iam create-access-key --user-name ci\n{\n    "AccessKey": {\n        "UserName": "ci",\n        "AccessKeyId": "⟦aws_id⟧",\n        "Status": "Active",\n        "SecretAccessKey": "⟦aws_secret⟧",\n        "CreateDate": "2024-05-01T10:00:00+00:00"\n    }\n}',
    '$ az ad sp create-for-rbac --name ci-deployer --role contributor --scopes /subscriptions/⟦n_uuid⟧\n{\n  "appId": "⟦n_uuid2⟧",\n  "displayName": "ci-deployer",\n  "password": "⟦azsecret⟧",\n  "tenant": "⟦n_uuid3⟧"\n}',
    "$ gcloud auth print-access-token\n⟦ya29⟧",
    "$ gh auth token\n⟦gho⟧",
    "$ kubectl create token deployer -n ci --duration=1h\n⟦jwt⟧",
    "$ heroku auth:token\n ›   Warning: token will expire 05/01/2025\n ›   Use heroku authorizations:create to generate a long-term token\n⟦n_uuid⟧",
    "$ terraform output -raw db_password\n⟦pw⟧",
    "$ argocd admin initial-password -n argocd\n⟦alnum16⟧\n\n This password must be only used for first time login. We strongly recommend you update the password using `argocd account update-password`.",
    "$ aws ecr get-login-password --region eu-west-1\n⟦ecr⟧",
    "$ wg genkey | tee privatekey | wg pubkey > publickey\n$ cat privatekey\n⟦wg⟧",
    "$ openssl rand -base64 32\n⟦b64_32⟧",
    "$ stripe listen --forward-to localhost:4242/webhook\n> Ready! You are using Stripe API Version [2024-04-10]. Your webhook signing secret is ⟦whsec⟧ (^C to quit)",
    "$ cat .env\nAPP_ENV=production\nDB_PASSWORD=⟦pw⟧\nMAILGUN_API_KEY=⟦mailgun⟧",
]

SHELL_NEGATIVE = [
    "$ mysql -u root -p\nEnter password: \nWelcome to the MySQL monitor.  Commands end with ; or \\g.\nServer version: 8.3.0 MySQL Community Server - GPL",
    'mysql -u app -p"$DB_PASSWORD" -h "$DB_HOST" app < schema.sql',
    "mysql --user=root --password=\"${MYSQL_ROOT_PASSWORD:?MYSQL_ROOT_PASSWORD must be set}\" -e 'select 1'",
    "$ redis-cli -h 127.0.0.1 -p 6379 INFO server | head -5\n# Server\nredis_version:7.2.4\nredis_git_sha1:00000000\nredis_git_dirty:0\nredis_mode:standalone",
    'docker login ghcr.io -u "$GITHUB_ACTOR" --password-stdin <<< "$GITHUB_TOKEN"',
    'echo "$CR_PAT" | docker login ghcr.io -u USERNAME --password-stdin\nLogin Succeeded',
    "docker run -e POSTGRES_PASSWORD -e POSTGRES_USER=app -p 5432:5432 postgres:16",
    "docker run -d -p 8080:80 -p 8443:443 --name web nginx:1.25",
    "ssh -p 2222 deploy@bastion.example.com 'uptime'\n 10:12:01 up 41 days,  2:03,  1 user,  load average: 0.08, 0.12, 0.10",
    "rsync -avz -e 'ssh -p 2222' dist/ deploy@⟦n_ip⟧:/srv/app/",
    "mkdir -p /var/lib/app/secrets && chmod 700 /var/lib/app/secrets",
    "aws secretsmanager get-secret-value --secret-id prod/db/password --query SecretString --output text > /dev/null && echo ok\nok",
    '$ aws secretsmanager describe-secret --secret-id prod/api-key\n{\n    "ARN": "arn:aws:secretsmanager:us-east-1:⟦n_account⟧:secret:prod/api-key-⟦n_suffix6⟧",\n    "Name": "prod/api-key",\n    "LastChangedDate": "2024-03-01T10:11:12.345000+00:00",\n    "VersionIdsToStages": {\n        "⟦n_uuid⟧": [\n            "AWSCURRENT"\n        ]\n    }\n}',
    '$ aws kms describe-key --key-id alias/app-secrets\n{\n    "KeyMetadata": {\n        "AWSAccountId": "⟦n_account⟧",\n        "KeyId": "⟦n_uuid⟧",\n        "Arn": "arn:aws:kms:eu-west-1:⟦n_account⟧:key/⟦n_uuid⟧",\n        "KeyState": "Enabled",\n        "KeyUsage": "ENCRYPT_DECRYPT",\n        "KeySpec": "SYMMETRIC_DEFAULT"\n    }\n}',
    "$ aws configure list\n      Name                    Value             Type    Location\n      ----                    -----             ----    --------\n   profile                <not set>             None    None\naccess_key     ****************⟦n_last4⟧ shared-credentials-file\nsecret_key     ****************⟦n_last4⟧ shared-credentials-file\n    region                eu-west-1      config-file    ~/.aws/config",
    "$ kubectl describe secret db-creds -n prod\nName:         db-creds\nNamespace:    prod\nLabels:       <none>\nAnnotations:  <none>\n\nType:  Opaque\n\nData\n====\npassword:  24 bytes\nusername:  3 bytes",
    "$ kubectl get secrets -n prod\nNAME                  TYPE                                  DATA   AGE\ndb-creds              Opaque                                2      14d\napi-token             Opaque                                1      3d\nregcred               kubernetes.io/dockerconfigjson        1      90d",
    "$ gh secret list\nNAME            UPDATED\nNPM_TOKEN       about 2 months ago\nSLACK_WEBHOOK   about 1 year ago\nDEPLOY_KEY      about 3 days ago",
    "$ gh auth status\ngithub.com\n  ✓ Logged in to github.com account octocat (keyring)\n  - Active account: true\n  - Git operations protocol: https\n  - Token: gh"
    + "o_************************************\n  - Token scopes: 'gist', 'read:org', 'repo', 'workflow'",
    "$ vault kv metadata get secret/app/db\n======= Metadata Path =======\nsecret/metadata/app/db\n\n========== Metadata ==========\nKey                     Value\n---                     -----\ncas_required            false\ncreated_time            2024-04-01T10:00:00.000000Z\ncurrent_version         3\nmax_versions            0",
    '$ npm config list\n; "user" config from /home/dev/.npmrc\n\n//registry.npmjs.org/:_authToken = (protected)\nregistry = "https://registry.npmjs.org/"\n\n; node bin location = /usr/local/bin/node',
    '$ terraform plan\n  # aws_db_instance.main will be updated in-place\n  ~ resource "aws_db_instance" "main" {\n        id       = "app-db"\n      ~ password = (sensitive value)\n        # (42 unchanged attributes hidden)\n    }\n\nPlan: 0 to add, 1 to change, 0 to destroy.',
    'export API_KEY="${API_KEY:?API_KEY is required}"',
    "export GITHUB_TOKEN=$(gh auth token)",
    'export VAULT_TOKEN="$(vault print token)"',
    'export DB_PASSWORD="$(aws secretsmanager get-secret-value --secret-id prod/db --query SecretString --output text | jq -r .password)"',
    'TOKEN=$(curl -s -X POST "$AUTH_URL" -d "client_id=$CLIENT_ID" -d "client_secret=$CLIENT_SECRET" -d grant_type=client_credentials | jq -r .access_token)',
    'curl -fsS -H "Authorization: Bearer ${ACCESS_TOKEN}" https://api.example.com/v1/me | jq .email',
    "$ git log --oneline -4\n⟦n_sha7⟧ Rotate API keys used by the deploy job\n⟦n_sha7⟧ Add password reset endpoint\n⟦n_sha7⟧ Bump jsonwebtoken from 9.0.0 to 9.0.2\n⟦n_sha7⟧ Read the Stripe secret key from Secret Manager",
    '$ grep -rn "api_key" src/ | head -3\nsrc/config.py:12:    api_key: str = Field(default="", description="Provider API key")\nsrc/client.py:40:        self.api_key = api_key or os.environ.get("ACME_API_KEY")\nsrc/client.py:88:        headers["X-Api-Key"] = self.api_key',
    "openssl rand -hex 32 > .session_secret && chmod 600 .session_secret",
    '$ ssh-keygen -t ed25519 -C "ci@example.com" -f ~/.ssh/id_ed25519 -N ""\nGenerating public/private ed25519 key pair.\nYour identification has been saved in /root/.ssh/id_ed25519\nYour public key has been saved in /root/.ssh/id_ed25519.pub\nThe key fingerprint is:\nSHA256:⟦n_b64_43⟧ ci@example.com',
    "$ ls -la ~/.ssh\ntotal 24\ndrwx------ 2 dev dev 4096 Mar  3 10:12 .\n-rw------- 1 dev dev  411 Mar  3 10:12 id_ed25519\n-rw-r--r-- 1 dev dev  100 Mar  3 10:12 id_ed25519.pub\n-rw-r--r-- 1 dev dev  444 Mar  3 10:15 known_hosts",
    "kubectl create secret generic app-env --from-env-file=.env.production --dry-run=client -o yaml | kubectl apply -f -\nsecret/app-env configured",
    "kubectl create secret tls web-tls --cert=tls.crt --key=tls.key -n ingress\nsecret/web-tls created",
    "helm upgrade --install app ./chart --set image.tag=1.4.2 --set auth.existingSecret=app-db --set-file tls.key=./certs/tls.key",
    "$ pip install keyring==24.3.0 'python-jose[cryptography]==3.3.0' 'passlib[bcrypt]==1.7.4'\nSuccessfully installed keyring-24.3.0 passlib-1.7.4 python-jose-3.3.0",
    "$ npm ls jsonwebtoken\napp@1.0.0 /srv/app\n└─┬ express-jwt@8.4.1\n  └── jsonwebtoken@9.0.2",
    "$ history | grep login\n  501  docker login ghcr.io -u octocat --password-stdin\n  502  az login --use-device-code\n  503  gcloud auth login --no-launch-browser",
    'az login --service-principal -u "$AZURE_CLIENT_ID" -p "$AZURE_CLIENT_SECRET" --tenant "$AZURE_TENANT_ID"',
    "aws configure set region eu-west-1 --profile deploy",
    "gcloud auth activate-service-account ci@acme-prod.iam.gserviceaccount.com --key-file=/secrets/gcp-key.json\nActivated service account credentials for: [ci@acme-prod.iam.gserviceaccount.com]",
    "gcloud secrets versions access latest --secret=db-password --project=acme-prod > /run/app/db-password",
    "$ az keyvault secret show --vault-name kv-prod --name api-key --query id -o tsv\nhttps://kv-prod.vault.azure.net/secrets/api-key/⟦n_hex32⟧",
    'read -r -s -p "Password: " PASSWORD && echo',
    '$ psql -h localhost -U postgres -W\nPassword for user postgres: \npsql (16.2)\nType "help" for help.',
    'redis-cli -a "$REDIS_PASSWORD" --no-auth-warning ping\nPONG',
    'openssl req -new -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=example.com"',
    "openssl pkcs12 -export -out bundle.p12 -inkey key.pem -in cert.pem -passout env:P12_PASSWORD",
    "keytool -list -keystore app.jks -storepass:env STOREPASS",
    "zip -e backup.zip notes.txt\nEnter password: \nVerify password: \n  adding: notes.txt (deflated 40%)",
    "ps aux | grep postgres\npostgres   812  0.0  0.4 215164 28420 ?  Ss   09:12   0:00 /usr/lib/postgresql/16/bin/postgres -D /var/lib/postgresql/16/main -c config_file=/etc/postgresql/16/main/postgresql.conf",
    "tar -czf backup.tar.gz --exclude='*.key' --exclude='secrets/' .",
    "git config --global credential.helper 'cache --timeout=3600'",
    "chmod 600 ~/.pgpass ~/.netrc ~/.config/gh/hosts.yml",
    "echo 'export OPENAI_API_KEY=sk-...' >> ~/.bashrc",
    "ansible-playbook site.yml -i inventory/prod --ask-vault-pass --ask-become-pass",
    "$ env | grep -i pass\nDB_PASSWORD=********\nPGPASSFILE=/home/dev/.pgpass",
    'curl -s -u "$JIRA_USER:$JIRA_API_TOKEN" "https://acme.atlassian.net/rest/api/3/myself" | jq .displayName\n"Jane Doe"',
    "$ kubectl get secret db-creds -o jsonpath='{.data}' | jq 'keys'\n[\n  \"password\",\n  \"username\"\n]",
    "doctl auth init --context staging\nPlease authenticate doctl for use with your DigitalOcean account. You can generate a token in the control panel at https://cloud.digitalocean.com/account/api/tokens\n\nEnter your access token: ",
    "vault kv get -field=password secret/app/db > /run/secrets/db_password",
    "npm publish --access public\nnpm notice Publishing to https://registry.npmjs.org/ with tag latest and public access\n+ @acme/keys-util@2.1.0",
    "$ make deploy\ndocker login -u $(REGISTRY_USER) -p $(REGISTRY_PASSWORD) $(REGISTRY)\nLogin Succeeded",
    "pg_dump -h db -U app -F c app > app.dump  # uses ~/.pgpass",
    "$ git diff --stat\n src/auth/token_store.py   | 14 +++++++-------\n src/auth/password_reset.py |  3 ++-\n 2 files changed, 10 insertions(+), 7 deletions(-)",
]

YAML_POSITIVE = [
    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: app-secrets\n  namespace: prod\ntype: Opaque\nstringData:\n  DATABASE_URL: postgres://app:⟦urlpw⟧@db:5432/app\n  STRIPE_KEY: ⟦stripe⟧\n  SESSION_SECRET: ⟦hex64⟧",
    'apiVersion: v1\ndata:\n  password: ⟦b64pw⟧\n  username: YWRtaW4=\nkind: Secret\nmetadata:\n  creationTimestamp: "2024-04-02T09:13:51Z"\n  name: db-creds\n  namespace: prod\n  resourceVersion: "48213"\n  uid: ⟦n_uuid⟧\ntype: Opaque',
    "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_USER: app\n      POSTGRES_PASSWORD: ⟦pw⟧\n  cache:\n    image: redis:7\n    command: redis-server --requirepass ⟦pw:2⟧",
    'services:\n  mysql:\n    image: mysql:8.3\n    environment:\n      - MYSQL_ROOT_PASSWORD=⟦pw⟧\n      - MYSQL_DATABASE=shop\n    ports:\n      - "3306:3306"',
    "jobs:\n  publish:\n    runs-on: ubuntu-latest\n    env:\n      NODE_AUTH_TOKEN: ⟦npm⟧\n      ⟦PVAR⟧: ⟦pkey⟧\n    steps:\n      - uses: actions/checkout@v4",
    "spring:\n  datasource:\n    url: jdbc:postgresql://db:5432/app\n    username: app\n    password: ⟦pw⟧\n  mail:\n    host: smtp.sendgrid.net\n    username: apikey\n    password: ⟦sendgrid⟧",
    "production:\n  adapter: postgresql\n  database: app_production\n  username: app\n  password: ⟦pw⟧\n  host: db.internal\n  pool: 10",
    "github.com:\n    user: octocat\n    oauth_token: ⟦gho⟧\n    git_protocol: https",
    "apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n    server: https://10.0.0.1:6443\n  name: prod\nusers:\n- name: ci\n  user:\n    token: ⟦k8s_token⟧",
    "users:\n- name: admin\n  user:\n    client-certificate-data: ⟦n_b64_86⟧\n    client-key-data: ⟦b64pem⟧",
    "all:\n  hosts:\n    web1:\n      ansible_host: 10.0.1.5\n      ansible_user: deploy\n      ansible_password: ⟦pw⟧\n      ansible_become_pass: ⟦pw⟧",
    "postgresql:\n  auth:\n    postgresPassword: ⟦pw⟧\n    username: app\n    password: ⟦pw:2⟧\n    database: app",
    'auth:\n  enabled: true\n  password: "⟦pw⟧"\nmaster:\n  persistence:\n    size: 8Gi',
    "datasources:\n  - name: Prometheus\n    type: prometheus\n    url: http://prometheus:9090\n    basicAuth: true\n    basicAuthUser: admin\n    secureJsonData:\n      basicAuthPassword: ⟦pw⟧",
    "receivers:\n- name: slack\n  slack_configs:\n  - api_url: https://hooks.slack.com/services/⟦slack_path⟧\n    channel: '#alerts'",
    "global:\n  smtp_smarthost: 'smtp.gmail.com:587'\n  smtp_from: 'alerts@example.com'\n  smtp_auth_username: 'alerts@example.com'\n  smtp_auth_password: '⟦gmail_app_pw⟧'",
    'elasticsearch.hosts: ["https://es01:9200"]\nelasticsearch.username: "kibana_system"\nelasticsearch.password: "⟦pw⟧"',
    "registries:\n  npm-github:\n    type: npm-registry\n    url: https://npm.pkg.github.com\n    token: ⟦gh⟧",
    "provider:\n  name: aws\n  runtime: nodejs20.x\n  environment:\n    STRIPE_SECRET: ⟦stripe⟧\n    TABLE_NAME: orders",
    "apiVersion: v1\nkind: Secret\nmetadata:\n  name: private-repo\n  labels:\n    argocd.argoproj.io/secret-type: repository\nstringData:\n  type: git\n  url: https://github.com/acme/deploy\n  password: ⟦gh⟧\n  username: not-used",
    'network:\n  version: 2\n  wifis:\n    wlan0:\n      dhcp4: true\n      access-points:\n        "HomeNet":\n          password: "⟦pw⟧"',
    "wifi_password: ⟦pw⟧\nmqtt_password: ⟦pw:2⟧\nopenweathermap_api_key: ⟦hex32⟧",
    "chpasswd:\n  list: |\n    root:⟦pw⟧\n    ubuntu:⟦pw:2⟧\n  expire: False",
    "users:\n  - name: deploy\n    groups: sudo\n    shell: /bin/bash\n    plain_text_passwd: ⟦pw⟧\n    lock_passwd: false",
    "deploy_key: |\n    ⟦pem_yaml⟧",
    "jwt:\n  secret: ⟦b64_48⟧\n  expiration: 86400\n  issuer: api.example.com",
    "mongodb:\n  uri: mongodb+srv://app:⟦urlpw⟧@cluster0.abcde.mongodb.net/app?retryWrites=true&w=majority",
    'kafka:\n  properties:\n    sasl.mechanism: PLAIN\n    sasl.jaas.config: org.apache.kafka.common.security.plain.PlainLoginModule required username="⟦confluent_key⟧" password="⟦confluent_secret⟧";',
    "cache:\n  url: redis://:⟦urlpw⟧@cache.internal:6379/0",
    "storage:\n  s3:\n    bucket: backups\n    region: eu-west-1\n    access_key: ⟦aws_id⟧\n    secret_key: ⟦aws_secret⟧",
    "connections:\n  warehouse:\n    conn_type: postgres\n    host: warehouse.internal\n    login: airflow\n    conn_password: ⟦pw⟧",
    'outputs:\n  default:\n    type: postgres\n    host: localhost\n    user: dbt\n    pass: "⟦pw⟧"\n    dbname: analytics\n    schema: dbt_dev',
    "smtp:\n  address: smtp.mailgun.org\n  port: 587\n  user_name: postmaster@mg.example.com\n  password: ⟦pw⟧",
    "secrets:\n  DATABASE_PASSWORD: ⟦pw⟧\n  ⟦PVAR⟧: ⟦pkey⟧",
    "env:\n  - name: API_TOKEN\n    value: ⟦tok⟧\n  - name: LOG_LEVEL\n    value: info",
    'env:\n  - name: POSTGRES_PASSWORD\n    value: "⟦pw⟧"\n  - name: POSTGRES_DB\n    value: app',
    "sentry:\n  dsn: https://⟦n_hex32⟧@o⟦n_int⟧.ingest.sentry.io/⟦n_int⟧\n  auth_token: ⟦hex64⟧",
    "production:\n  secret_key_base: ⟦hex64⟧⟦hex64:2⟧",
]

YAML_NEGATIVE = [
    "env:\n  - name: DB_PASSWORD\n    valueFrom:\n      secretKeyRef:\n        name: db-creds\n        key: password\n  - name: API_TOKEN\n    valueFrom:\n      secretKeyRef:\n        name: api\n        key: token",
    "- uses: docker/login-action@v3\n  with:\n    registry: ghcr.io\n    username: ${{ github.actor }}\n    password: ${{ secrets.GITHUB_TOKEN }}",
    "env:\n  NODE_AUTH_TOKEN: ${{ secrets.NPM_TOKEN }}\n  OPENAI_API_KEY: ${{ secrets.OPENAI_API_KEY }}\n  AWS_REGION: eu-west-1",
    "services:\n  db:\n    image: postgres:16\n    environment:\n      POSTGRES_PASSWORD_FILE: /run/secrets/db_password\n    secrets:\n      - db_password\nsecrets:\n  db_password:\n    file: ./secrets/db_password.txt",
    "services:\n  db:\n    environment:\n      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:?set it in .env}\n      POSTGRES_USER: ${POSTGRES_USER:-app}",
    "auth:\n  existingSecret: app-postgresql\n  secretKeys:\n    adminPasswordKey: postgres-password\n    userPasswordKey: password\n    replicationPasswordKey: replication-password",
    "spring:\n  datasource:\n    password: ${DB_PASSWORD}\n  security:\n    oauth2:\n      client:\n        registration:\n          github:\n            client-id: ${GITHUB_CLIENT_ID}\n            client-secret: ${GITHUB_CLIENT_SECRET}",
    'production:\n  adapter: postgresql\n  password: <%= ENV["DATABASE_PASSWORD"] %>\n  secret_key_base: <%= Rails.application.credentials.secret_key_base %>',
    "ansible_become_password: \"{{ vault_become_password }}\"\ndb_password: \"{{ lookup('community.hashi_vault.hashi_vault', 'secret=secret/data/db:password') }}\"",
    'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app-config\ndata:\n  LOG_LEVEL: info\n  TOKEN_TTL_SECONDS: "3600"\n  PASSWORD_MIN_LENGTH: "12"\n  AUTH_URL: https://auth.example.com/oauth/token',
    "apiVersion: external-secrets.io/v1beta1\nkind: ExternalSecret\nmetadata:\n  name: db-creds\nspec:\n  refreshInterval: 1h\n  secretStoreRef:\n    name: aws-secrets\n    kind: ClusterSecretStore\n  target:\n    name: db-creds\n  data:\n    - secretKey: password\n      remoteRef:\n        key: prod/db\n        property: password",
    "components:\n  securitySchemes:\n    ApiKeyAuth:\n      type: apiKey\n      in: header\n      name: X-API-Key\n    bearerAuth:\n      type: http\n      scheme: bearer\n      bearerFormat: JWT",
    "  /jsonwebtoken@9.0.2:\n    resolution: {integrity: sha512-⟦n_b64_86⟧==}\n    engines: {node: '>=12', npm: '>=6'}\n    dependencies:\n      jws: 3.2.2\n      lodash.includes: 4.3.0",
    'metadata:\n  annotations:\n    vault.hashicorp.com/agent-inject: "true"\n    vault.hashicorp.com/agent-inject-secret-db: "database/creds/app"\n    vault.hashicorp.com/role: "app"',
    "Parameters:\n  DBPassword:\n    Type: AWS::SSM::Parameter::Value<String>\n    Default: /prod/db/password\n    NoEcho: true\nResources:\n  DB:\n    Properties:\n      MasterUserPassword: !Sub '{{resolve:secretsmanager:${DBSecret}:SecretString:password}}'",
    "provider:\n  environment:\n    API_KEY: ${ssm:/app/prod/api-key}\n    STRIPE_SECRET: ${env:STRIPE_SECRET}\n    TOKEN_TABLE: tokens-${sls:stage}",
    "- Effect: Allow\n  Action:\n    - secretsmanager:GetSecretValue\n    - kms:Decrypt\n  Resource:\n    - !Sub arn:aws:secretsmanager:${AWS::Region}:${AWS::AccountId}:secret:app/*\n    - arn:aws:kms:us-east-1:⟦n_account⟧:key/⟦n_uuid⟧",
    "scrape_configs:\n  - job_name: node\n    basic_auth:\n      username: prometheus\n      password_file: /etc/prometheus/secrets/password\n    static_configs:\n      - targets: ['node1:9100']",
    "secretGenerator:\n- name: app-secrets\n  envs:\n  - secrets.env\n  files:\n  - tls.key",
    "model: gpt-4o\nmax_tokens: 2048\ntemperature: 0.2\napi_key_env: OPENAI_API_KEY\ntoken_budget: 120000",
    "spec:\n  secretName: web-tls\n  issuerRef:\n    name: letsencrypt\n  privateKey:\n    algorithm: ECDSA\n    size: 256\n    rotationPolicy: Always",
    'script:\n  - echo "$CI_REGISTRY_PASSWORD" | docker login -u "$CI_REGISTRY_USER" --password-stdin "$CI_REGISTRY"\n  - docker push "$CI_REGISTRY_IMAGE:$CI_COMMIT_SHA"',
    "spec:\n  serviceAccountName: ci-token-reader\n  automountServiceAccountToken: false",
    "passwordPolicy:\n  minLength: 12\n  requireSymbols: true\n  maxAgeDays: 90\n  historySize: 5",
    "# Copy to config.yaml and fill in\napi_key: <your-api-key>\npassword: changeme\ntoken: xxxxxxxxxxxxxxxx",
    'password: ""\ntoken: null\nsecret: ~',
    'ignore:\n  - dependency-name: "io.jsonwebtoken:jjwt-*"\n    versions: ["0.12.x"]\n  - dependency-name: "passport-jwt"',
    "USER-SUPPLIED VALUES:\nauth:\n  password: '********'\n  username: app",
    "db_password: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  ⟦n_hex64⟧\n  ⟦n_hex64⟧\n  ⟦n_hex64⟧",
    "volumes:\n  - name: secrets\n    secret:\n      secretName: app-secrets\n      items:\n        - key: api-key\n          path: api-key.txt",
    "keycloak:\n  realm: acme\n  resource: web\n  credentials:\n    secret: ${KEYCLOAK_CLIENT_SECRET}\n  bearer-only: true",
    "grafana:\n  admin:\n    existingSecret: grafana-admin\n    userKey: admin-user\n    passwordKey: admin-password",
    "- name: Configure AWS credentials\n  uses: aws-actions/configure-aws-credentials@v4\n  with:\n    role-to-assume: arn:aws:iam::⟦n_account⟧:role/github-deploy\n    aws-region: eu-west-1",
    "token_endpoint: https://auth.example.com/oauth2/token\nauthorization_endpoint: https://auth.example.com/oauth2/authorize\njwks_uri: https://auth.example.com/.well-known/jwks.json",
    "secrets:\n  DATABASE_PASSWORD:\n    external: true\n  API_KEY:\n    name: prod_api_key_v3\n    external: true",
]

SOURCE_POSITIVE = [
    'client = OpenAI(api_key="⟦openai⟧")',
    "openai.api_key = '⟦openai⟧'",
    '⟦PVAR⟧ = "⟦pkey⟧"',
    "⟦pvar⟧ = '⟦pkey⟧'",
    'resp = requests.get(url, auth=("admin", "⟦pw⟧"), timeout=10)',
    'conn = psycopg2.connect(host="db.internal", dbname="app", user="app", password="⟦pw⟧")',
    'engine = create_engine("postgresql+psycopg2://app:⟦urlpw⟧@localhost/app")',
    'r = redis.Redis(host="cache", port=6379, password="⟦pw⟧", db=0)',
    'server.login("alerts@example.com", "⟦gmail_app_pw⟧")',
    'token = jwt.encode(payload, "⟦hex64⟧", algorithm="HS256")',
    'headers = {"X-API-Key": "⟦alnum32⟧", "Accept": "application/json"}',
    'stripe.api_key = "⟦stripe⟧"',
    'genai.configure(api_key="⟦google⟧")',
    'pc = Pinecone(api_key="⟦uuid⟧")',
    "SECRET_KEY = 'django-insecure-⟦django⟧'",
    'const openai = new OpenAI({ apiKey: "⟦openai⟧" });',
    "const stripe = require('stripe')('⟦stripe⟧');",
    "sgMail.setApiKey('⟦sendgrid⟧');",
    "const client = twilio('⟦twilio_sid⟧', '⟦hex32⟧');",
    "mongoose.connect('mongodb+srv://app:⟦urlpw⟧@cluster0.x1y2z.mongodb.net/app');",
    "const pool = new Pool({ user: 'app', host: 'db', database: 'app', password: '⟦pw⟧', port: 5432 });",
    "const res = await axios.get(url, { auth: { username: 'api', password: '⟦pw⟧' } });",
    "const token = jwt.sign({ sub: user.id }, '⟦hex64⟧', { expiresIn: '1h' });",
    'client := github.NewClient(nil).WithAuthToken("⟦gh⟧")',
    'db, err := sql.Open("mysql", "app:⟦pw⟧@tcp(127.0.0.1:3306)/shop?parseTime=true")',
    'const apiKey = "⟦alnum40⟧"',
    'String password = "⟦pw⟧";',
    'Connection conn = DriverManager.getConnection("jdbc:mysql://localhost:3306/shop", "root", "⟦pw⟧");',
    'var conn = new SqlConnection("Server=tcp:acme.database.windows.net,1433;Database=app;User ID=app;Password=⟦pw⟧;Encrypt=true;");',
    "define('DB_PASSWORD', '⟦pw⟧');",
    '$mysqli = new mysqli("localhost", "app", "⟦pw⟧", "shop");',
    "$apiKey = '⟦alnum32⟧';",
    'let token = "⟦gh⟧";',
    "CREATE USER 'app'@'%' IDENTIFIED BY '⟦pw⟧';\nGRANT SELECT, INSERT ON shop.* TO 'app'@'%';",
    "ALTER ROLE analytics WITH LOGIN PASSWORD '⟦pw⟧';",
    "DATABASE_URL=postgres://app:⟦urlpw⟧@localhost:5432/app\nSTRIPE_SECRET_KEY=⟦stripe⟧\nNEXTAUTH_SECRET=⟦b64_32⟧",
    "//registry.npmjs.org/:_authToken=⟦npm⟧\n@acme:registry=https://npm.pkg.github.com\n//npm.pkg.github.com/:_authToken=⟦gh⟧",
    "[default]\naws_access_key_id = ⟦aws_id⟧\naws_secret_access_key = ⟦aws_secret⟧\nregion = eu-west-1",
    "[pypi]\n  username = __token__\n  password = ⟦pypi⟧",
    "<server>\n  <id>nexus-releases</id>\n  <username>deploy</username>\n  <password>⟦pw⟧</password>\n</server>",
    "ossrhUsername=acme\nossrhPassword=⟦pw⟧\nsigning.keyId=⟦n_last4⟧⟦n_last4⟧\nsigning.password=⟦pw:2⟧",
    'db_password = "⟦pw⟧"\nregion      = "eu-west-1"',
    'provider "cloudflare" {\n  api_token = "⟦alnum40⟧"\n}',
    '{\n  "ConnectionStrings": {\n    "Default": "Server=localhost;Database=App;User Id=sa;Password=⟦pw⟧;TrustServerCertificate=True"\n  },\n  "Logging": { "LogLevel": { "Default": "Information" } }\n}',
    "define( 'AUTH_KEY',         '⟦wpsalt⟧' );\ndefine( 'SECURE_AUTH_KEY',  '⟦wpsalt⟧' );",
    'DATABASES = {\n    "default": {\n        "ENGINE": "django.db.backends.postgresql",\n        "NAME": "app",\n        "USER": "app",\n        "PASSWORD": "⟦pw⟧",\n        "HOST": "db",\n    }\n}',
    's3 = boto3.client("s3", aws_access_key_id="⟦aws_id⟧", aws_secret_access_key="⟦aws_secret⟧")',
    "client = anthropic.Anthropic(api_key='⟦anthropic⟧')",
    'API_KEY = """⟦alnum32⟧"""',
    "token = r'⟦gh⟧'",
    "ENV NPM_TOKEN=⟦npm⟧\nRUN npm ci --omit=dev",
    "ENV ⟦PVAR⟧ ⟦pkey⟧",
    'ARG GITHUB_TOKEN=⟦gh⟧\nRUN git config --global url."https://${GITHUB_TOKEN}@github.com/".insteadOf "https://github.com/"',
    "DOCKER_PASSWORD ?= ⟦pw⟧\nDOCKER_USER ?= ci",
    "[database]\nhost = db.internal\nuser = app\npassword = ⟦pw⟧\nport = 5432",
    '[client]\nuser=root\npassword="⟦pw⟧"\nhost=127.0.0.1',
    "spring.datasource.password=⟦pw⟧\nspring.mail.password=⟦pw:2⟧\nserver.port=8080",
    'val ⟦pVar⟧ = "⟦pkey⟧"',
    'process.env.⟦PVAR⟧ = "⟦pkey⟧";',
    'os.environ["⟦PVAR⟧"] = "⟦pkey⟧"',
    '⟦PVAR⟧ = os.getenv("⟦PVAR⟧", "⟦pkey⟧")',
    'credentials = {"username": "svc-report", "password": "⟦pw⟧"}',
    '#define API_KEY "⟦alnum32⟧"',
    "const config = { token: '⟦tok⟧', retries: 3 };",
    'imap.login(EMAIL_ADDRESS, "⟦pw⟧")',
    'auth = HTTPBasicAuth("api", "⟦pw⟧")',
    'ssh.connect("⟦n_ip⟧", username="root", password="⟦pw⟧")',
    "db = pymysql.connect(host='localhost', user='root', passwd='⟦pw⟧', db='shop')",
    'conn.simple_bind_s("cn=admin,dc=example,dc=com", "⟦pw⟧")',
    '⟦PVAR⟧=⟦pkey⟧\ncurl -H "Authorization: Bearer $⟦PVAR⟧" https://api.example.com/v1/models',
    "client = Client(api_key=`⟦pkey⟧`)",
    "settings = Settings(⟦pvar⟧='⟦pkey⟧', debug=True)",
    "const ⟦pVar⟧ = '⟦pkey⟧';",
    '"⟦pVar⟧": "⟦pkey⟧",',
    '{"type": "service_account", "project_id": "acme-prod", "private_key_id": "⟦n_sha40⟧", "private_key": "⟦pem_esc⟧", "client_email": "ci@acme-prod.iam.gserviceaccount.com"}',
    "[Interface]\nPrivateKey = ⟦wg⟧\nAddress = 10.8.0.2/24\n\n[Peer]\nPublicKey = ⟦n_b64_43⟧=\nPresharedKey = ⟦wg⟧\nEndpoint = vpn.example.com:51820",
]

SOURCE_NEGATIVE = [
    # A Firebase web app's config key: public by Firebase's documentation, as Stripe's publishable keys
    'export const firebaseConfig = {\n  apiKey: "⟦google⟧",\n  authDomain: "acme-app.firebaseapp.com",\n  projectId: "acme-app",\n};',
    'api_key = os.environ["OPENAI_API_KEY"]',
    'token = os.getenv("GITHUB_TOKEN")',
    'password = getpass.getpass("Password: ")',
    "secret = secrets.token_urlsafe(32)",
    'SECRET_KEY = env("DJANGO_SECRET_KEY")',
    "client = OpenAI(api_key=settings.OPENAI_API_KEY)",
    "def login(self, username: str, password: str) -> Token:\n    user = self.users.get(username)\n    if not self.hasher.verify(password, user.password_hash):\n        raise InvalidCredentials()\n    return self.tokens.issue(user_id=user.id)",
    'response = client.get_secret_value(SecretId="prod/db/password")\npassword = json.loads(response["SecretString"])["password"]',
    'SECRET_NAME = "projects/acme/secrets/stripe-api-key/versions/latest"',
    'KEY_ARN = "arn:aws:kms:us-east-1:⟦n_account⟧:key/⟦n_uuid⟧"',
    'VAULT_PATH = "secret/data/payments/stripe"\nvault_secret_path = "kv/prod/api-keys"',
    "password_hash = bcrypt.hashpw(password.encode(), bcrypt.gensalt())",
    'openai.api_key = "sk-..."  # replace with your key',
    'API_KEY = "<your-api-key>"',
    'TOKEN = "your_token_here"',
    "const apiKey = process.env.OPENAI_API_KEY;",
    'const token = req.headers.authorization?.split(" ")[1];',
    'const { SecretString: secret } = await client.send(new GetSecretValueCommand({ SecretId: "prod/api-key" }));',
    'if (!process.env.STRIPE_SECRET_KEY) throw new Error("STRIPE_SECRET_KEY is not set");',
    'apiKey := os.Getenv("API_KEY")\nif apiKey == "" {\n\tlog.Fatal("API_KEY is required")\n}',
    '@Value("${app.jwt.secret}")\nprivate String jwtSecret;',
    'String password = System.getenv("DB_PASSWORD");',
    "<dependency>\n  <groupId>io.jsonwebtoken</groupId>\n  <artifactId>jjwt-api</artifactId>\n  <version>0.12.5</version>\n</dependency>",
    'implementation("io.jsonwebtoken:jjwt-api:0.12.5")\nruntimeOnly("io.jsonwebtoken:jjwt-impl:0.12.5")\nimplementation \'org.springframework.security:spring-security-crypto:6.2.1\'',
    '"dependencies": {\n  "jsonwebtoken": "^9.0.2",\n  "passport-jwt": "^4.0.1",\n  "bcryptjs": "^2.4.3",\n  "keytar": "^7.9.0",\n  "@auth0/nextjs-auth0": "^3.5.0"\n}',
    "python-jose[cryptography]==3.3.0\npasslib[bcrypt]==1.7.4\nkeyring==24.3.0\ndjango-rest-passwordreset==1.4.0",
    'let token = std::env::var("GITHUB_TOKEN").expect("GITHUB_TOKEN must be set");',
    'Stripe.api_key = ENV.fetch("STRIPE_SECRET_KEY")\nsecret = Rails.application.credentials.secret_key_base',
    "$password = $_POST['password'] ?? '';\ndefine('DB_PASSWORD', getenv('DB_PASSWORD'));",
    "interface Credentials {\n  username: string;\n  password: string;\n  apiKey?: string;\n  token: string | null;\n}",
    'class Settings(BaseSettings):\n    database_password: SecretStr\n    openai_api_key: SecretStr = Field(..., alias="OPENAI_API_KEY")\n    token_ttl: int = 3600',
    'resource "aws_db_instance" "main" {\n  username = "app"\n  password = random_password.db.result\n}\n\nresource "random_password" "db" {\n  length  = 32\n  special = true\n}',
    'provider "cloudflare" {\n  api_token = var.cloudflare_api_token\n}\n\nvariable "db_password" {\n  type      = string\n  sensitive = true\n}',
    "CREATE TABLE users (\n  id BIGSERIAL PRIMARY KEY,\n  email TEXT NOT NULL UNIQUE,\n  password_hash TEXT NOT NULL,\n  api_token_digest TEXT\n);",
    "UPDATE users SET password_hash = crypt($1, gen_salt('bf')) WHERE id = $2;",
    'type Config struct {\n\tPassword string `json:"password" env:"DB_PASSWORD"`\n\tAPIKey   string `json:"api_key" env:"API_KEY,required"`\n}',
    'const secretName = "prod/stripe/secret-key";',
    'logger.info("Loaded API key for %s (length=%d)", provider, len(api_key))',
    'var secret = await client.GetSecretAsync("db-password");\nvar connectionString = builder.Configuration.GetConnectionString("Default");',
    'keyring.set_password("acme-cli", username, token)',
    'headers = {"Authorization": f"Bearer {token}"}',
    "const headers = { Authorization: `Bearer ${accessToken}` };",
    "val apiKey = BuildConfig.API_KEY",
    ': "${API_TOKEN:?API_TOKEN must be set}"\ncurl -fsSL -H "Authorization: token ${API_TOKEN}" "$URL"',
    'PASSWORD_RESET_TIMEOUT = 259200\nAUTH_PASSWORD_VALIDATORS = [\n    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},\n]',
    "RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci",
    "deploy:\n\t@docker login -u $(REGISTRY_USER) -p $(REGISTRY_PASSWORD) $(REGISTRY)",
    "const hash = crypto.createHmac('sha256', secret).update(payload).digest('hex');",
    'KeyStore ks = KeyStore.getInstance("PKCS12");\nks.load(in, password.toCharArray());',
    'conn = psycopg2.connect(dsn=os.environ["DATABASE_URL"], password=os.environ.get("PGPASSWORD"))',
    'dsn := fmt.Sprintf("host=%s user=%s password=%s dbname=%s", host, user, pass, name)',
    "OPENAI_API_KEY=\nSTRIPE_SECRET_KEY=sk_test_...\nDATABASE_URL=postgres://user:password@localhost:5432/app\nJWT_SECRET=change-me",
    'assert mask(token) == "gh' + 'p_****"',
    'token_type = "bearer"\nTOKEN_PREFIX = "gh' + 'p_"\nmax_tokens = 4096',
    'private readonly tokenKey = "auth.token";\nlocalStorage.setItem(this.tokenKey, token);',
    'SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:⟦n_account⟧:secret:prod/stripe/api-key-⟦n_suffix6⟧"',
    'password_field = forms.CharField(widget=forms.PasswordInput, label="Password")',
    'if len(password) < settings.PASSWORD_MIN_LENGTH:\n    raise ValidationError("password too short")',
    'os.environ.setdefault("DJANGO_SETTINGS_MODULE", "app.settings")\napi_key = os.environ.get("API_KEY", "")',
    'client = hvac.Client(url="https://vault.example.com", token=os.environ["VAULT_TOKEN"])\nsecret = client.secrets.kv.v2.read_secret_version(path="app/db")["data"]["data"]["password"]',
    '# TODO: rotate the signing key every 90 days (see docs/keys.md)\nSIGNING_KEY_ID = "2024-05"',
    "secret_key = Fernet.generate_key()\ncipher = Fernet(secret_key)",
    "<password>${env.NEXUS_PASSWORD}</password>\n<username>${env.NEXUS_USER}</username>",
    'api_key: str = Field(default="", repr=False)',
]

URL_POSITIVE = [
    "https://deploy:⟦urlpw⟧@git.example.com/acme/app.git",
    "origin\thttps://x-access-token:⟦ghs⟧@github.com/acme/app.git (fetch)\norigin\thttps://x-access-token:⟦ghs⟧@github.com/acme/app.git (push)",
    "postgres://app:⟦urlpw⟧@db.internal:5432/app?sslmode=require",
    "mysql://root:⟦urlpw⟧@127.0.0.1:3306/shop",
    "redis://:⟦urlpw⟧@cache.internal:6379/0",
    "rediss://default:⟦urlpw⟧@eu1-brave-cod-12345.upstash.io:6379",
    "amqp://guest:⟦urlpw⟧@rabbitmq:5672/%2F",
    "mongodb+srv://admin:⟦urlpw⟧@cluster0.abcde.mongodb.net/?retryWrites=true&w=majority",
    "https://hooks.slack.com/services/⟦slack_path⟧",
    "https://discord.com/api/webhooks/⟦n_digits21⟧/⟦discord⟧",
    "https://acme.webhook.office.com/webhookb2/⟦n_uuid⟧@⟦n_uuid2⟧/IncomingWebhook/⟦hex32⟧/⟦n_uuid3⟧",
    "https://build-artifacts.s3.amazonaws.com/app.zip?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=⟦aws_id⟧%2F20240501%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20240501T120000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=⟦hex64⟧",
    "https://stbuild.blob.core.windows.net/artifacts/app.zip?sp=r&st=2024-05-01T10:00:00Z&se=2024-05-02T10:00:00Z&spr=https&sv=2022-11-02&sr=b&sig=⟦sas_sig⟧",
    "https://api.telegram.org/bot⟦tg⟧/sendMessage?chat_id=-100123456&text=deployed",
    "https://api.example.com/v1/data?api_key=⟦alnum32⟧&format=json",
    "https://maps.googleapis.com/maps/api/geocode/json?address=Berlin&key=⟦google⟧",
    "wss://stream.example.com/v2/feed?token=⟦tok⟧&channel=trades",
    "https://gitlab-ci-token:⟦glpat⟧@gitlab.com/acme/infra.git",
    "https://build:⟦urlpw⟧@nexus.example.com/repository/pypi/simple",
    "ftp://backup:⟦urlpw⟧@ftp.example.com/dumps/",
    "jdbc:postgresql://db:5432/app?user=app&password=⟦urlpw⟧&ssl=true",
    "https://app.example.com/auth/reset?access_token=⟦tok⟧&expires=3600",
    "smtp://apikey:⟦sendgrid⟧@smtp.sendgrid.net:587",
    "https://⟦gh⟧@github.com/acme/private.git",
    "https://⟦gh⟧:x-oauth-basic@github.com/acme/repo.git",
    "http://admin:⟦urlpw⟧@192.168.1.1/cgi-bin/status.cgi",
    "https://api.datadoghq.com/api/v1/validate?api_key=⟦hex32⟧&application_key=⟦hex40⟧",
    "http://127.0.0.1:8888/lab?token=⟦hex48⟧",
    "https://user:⟦urlpw⟧@proxy.corp.example.com:8080",
    "https://hooks.zapier.com/hooks/catch/⟦n_int⟧/⟦n_alnum16⟧/?secret=⟦alnum32⟧",
]

URL_NEGATIVE = [
    "https://github.com/acme/app/blob/⟦n_sha40⟧/src/auth/token.py#L42",
    "https://docs.aws.amazon.com/secretsmanager/latest/userguide/manage_create-basic-secret.html",
    "https://console.aws.amazon.com/secretsmanager/secret?name=prod%2Fdb%2Fpassword&region=us-east-1",
    "https://console.cloud.google.com/security/secret-manager/secret/stripe-api-key/versions?project=acme-prod",
    "https://kv-prod.vault.azure.net/secrets/db-password/⟦n_hex32⟧",
    "https://vault.example.com/ui/vault/secrets/kv/show/prod/api-keys",
    "postgres://app@localhost:5432/app",
    "postgres://${DB_USER}:${DB_PASSWORD}@${DB_HOST}:5432/app",
    "https://user:password@example.com/path",
    "redis://localhost:6379/0",
    "https://api.example.com/v1/users?page=2&per_page=50&sort=created_at",
    "https://auth.example.com/oauth/authorize?response_type=code&client_id=acme-web&redirect_uri=https%3A%2F%2Fapp.example.com%2Fcallback&scope=openid%20profile",
    "https://registry.npmjs.org/jsonwebtoken/-/jsonwebtoken-9.0.2.tgz",
    "https://pypi.org/project/keyring/24.3.0/",
    "https://repo1.maven.org/maven2/io/jsonwebtoken/jjwt-api/0.12.5/jjwt-api-0.12.5.jar",
    "https://github.com/settings/tokens/new?scopes=repo,workflow&description=ci",
    "https://platform.openai.com/api-keys",
    "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    "git@github.com:acme/app.git",
    "https://storage.googleapis.com/acme-public/assets/logo.png",
    "https://acme.s3.amazonaws.com/releases/app-1.4.2.tar.gz",
    "https://oauth2.googleapis.com/token",
    "https://login.microsoftonline.com/⟦n_uuid⟧/oauth2/v2.0/token",
    "https://example.com/docs/api-keys#rotating-keys",
    "https://github.com/login/oauth/authorize?client_id=Iv1.⟦n_alnum16⟧&scope=repo",
    "https://api.github.com/repos/acme/app/actions/secrets/public-key",
    "mongodb://localhost:27017/?replicaSet=rs0",
    "https://${GITHUB_TOKEN}@github.com/acme/private.git",
    "https://oauth2:$CI_JOB_TOKEN@gitlab.example.com/acme/app.git",
    "https://app.example.com/settings/security/password?tab=2fa",
    "https://api.stripe.com/v1/customers?limit=3",
    "https://secretmanager.googleapis.com/v1/projects/acme-prod/secrets/db-password/versions/latest:access",
    "https://example.com/download?file=keys.tar.gz&token_type=bearer",
]

PLAIN_POSITIVE = [
    "# Require clients to issue AUTH <PASSWORD> before processing any other commands.\nrequirepass ⟦pw⟧\n\n# masterauth <master-password>\nmasterauth ⟦pw⟧\nmaxmemory 256mb",
    "user default on >⟦pw⟧ ~* &* +@all\nuser metrics on >⟦pw:2⟧ ~metrics:* +@read",
    '"app" "⟦pw⟧"\n"report" "⟦pw:2⟧"',
    "*:5432:*:replicator:⟦pw⟧",
    "machine ftp.example.com login backup password ⟦pw⟧",
    "machine api.github.com\n  login octocat\n  password ⟦gh⟧",
    "[smtp.sendgrid.net]:587 apikey:⟦sendgrid⟧",
    "[smtp.gmail.com]:587 alerts@example.com:⟦pw⟧",
    'network={\n    ssid="Office"\n    psk="⟦pw⟧"\n    key_mgmt=WPA-PSK\n}',
    "interface=wlan0\nssid=Workshop\nwpa=2\nwpa_passphrase=⟦pw⟧\nwpa_key_mgmt=WPA-PSK",
    "uri ldap://ldap.example.com/\nbase dc=example,dc=com\nbinddn cn=reader,dc=example,dc=com\nbindpw ⟦pw⟧",
    "[domain/example.com]\nldap_default_bind_dn = cn=sssd,dc=example,dc=com\nldap_default_authtok = ⟦pw⟧\nldap_default_authtok_type = password",
    "listeners.tcp.default = 5672\ndefault_user = admin\ndefault_pass = ⟦pw⟧",
    "[security]\nadmin_user = admin\nadmin_password = ⟦pw⟧\nsecret_key = ⟦alnum20⟧",
    '2024-05-01T12:00:03Z DEBUG db: connecting with dsn="host=db user=app password=⟦pw⟧ dbname=app sslmode=disable"',
    "2024-05-01 10:00:00.123  WARN 1 --- [main] .s.s.UserDetailsServiceAutoConfiguration : \n\nUsing generated security password: ⟦uuid⟧\n\nThis generated password is for development use only. Your security configuration must be updated before running your application in production.",
    "[I 2024-05-01 12:00:00.000 ServerApp] Jupyter Server 2.14.0 is running at:\n[I 2024-05-01 12:00:00.000 ServerApp] http://localhost:8888/lab?token=⟦hex48⟧",
    "2024-05-01T10:00:00.000000Z 6 [Note] [MY-010454] [Server] A temporary password is generated for root@localhost: ⟦mysql_temp⟧",
    "*************************************************************\n\nJenkins initial setup is required. An admin user has been created and a password generated.\nPlease use the following password to proceed to installation:\n\n⟦hex32⟧\n\nThis may also be found at: /var/jenkins_home/secrets/initialAdminPassword\n\n*************************************************************",
    "━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━━\n✅ Elasticsearch security features have been automatically configured!\n✅ Authentication is enabled and cluster connections are encrypted.\n\nℹ️  Password for the elastic user (reset with `bin/elasticsearch-reset-password -u elastic`):\n  ⟦es_pw⟧\n\nℹ️  HTTP CA certificate SHA-256 fingerprint:\n  ⟦n_hex64⟧",
    "> GET /v1/me HTTP/1.1\n> Host: api.example.com\n> Authorization: Bearer ⟦tok⟧\n> User-Agent: curl/8.5.0\n> Accept: */*\n>\n< HTTP/1.1 200 OK",
    '{"access_token":"⟦tok⟧","token_type":"Bearer","expires_in":3599,"refresh_token":"⟦tok:2⟧","scope":"read write"}',
    "POST /v2/charges HTTP/1.1\nHost: api.example.com\nX-Api-Key: ⟦alnum32⟧\nContent-Type: application/json",
    "S: 220 smtp.example.com ESMTP Postfix\nC: EHLO client.example.com\nC: AUTH PLAIN ⟦b64plain⟧\nS: 235 2.7.0 Authentication successful",
    "GET /admin/ HTTP/1.1\nHost: intranet.example.com\nAuthorization: Basic ⟦b64auth⟧",
    "https://octocat:⟦gh⟧@github.com\nhttps://oauth2:⟦glpat⟧@gitlab.com",
    '{\n\t"auths": {\n\t\t"https://index.docker.io/v1/": {\n\t\t\t"auth": "⟦b64auth⟧"\n\t\t}\n\t}\n}',
    "⟦pem⟧",
    "# created: 2024-05-01T12:00:00Z\n# public key: age1⟦n_sha40⟧\n⟦age⟧",
    "=== shop-api Config Vars\nDATABASE_URL:      postgres://u⟦n_alnum16⟧:⟦hex64⟧@ec2-3-210-1-2.compute-1.amazonaws.com:5432/d⟦n_alnum16⟧\nSTRIPE_SECRET_KEY: ⟦stripe⟧\nSESSION_SECRET:    ⟦hex64⟧",
    '# Created by Vercel CLI\nVERCEL_OIDC_TOKEN="⟦jwt⟧"\nPOSTGRES_URL="postgres://default:⟦urlpw⟧@ep-cool-bar-123456.us-east-1.aws.neon.tech:5432/verceldb?sslmode=require"',
    'bootstrap.servers=pkc-abcde.eu-west-1.aws.confluent.cloud:9092\nsecurity.protocol=SASL_SSL\nsasl.mechanism=PLAIN\nsasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="⟦confluent_key⟧" password="⟦confluent_secret⟧";',
    "server.ssl.key-store=classpath:keystore.p12\nserver.ssl.key-store-password=⟦pw⟧\nserver.ssl.key-store-type=PKCS12",
    "[global]\nindex-url = https://build:⟦urlpw⟧@pypi.example.com/simple\ntrusted-host = pypi.example.com",
    "[default]\naccess_key = ⟦aws_id⟧\nsecret_key = ⟦aws_secret⟧\nhost_base = s3.amazonaws.com\nhost_bucket = %(bucket)s.s3.amazonaws.com",
    "[s3-backup]\ntype = s3\nprovider = AWS\naccess_key_id = ⟦aws_id⟧\nsecret_access_key = ⟦aws_secret⟧\nregion = eu-west-1",
    "E       AssertionError: assert 401 == 200\nE        +  where 401 = <Response [401]>.status_code\n\nheaders    = {'Authorization': 'Bearer ⟦tok⟧', 'Accept': 'application/json'}\nurl        = 'https://api.example.com/v1/me'",
    "Settings(database_url='postgres://app:⟦urlpw⟧@db/app', ⟦pvar⟧='⟦pkey⟧', debug=False)",
    "HTTPS_PROXY=http://jdoe:⟦urlpw⟧@proxy.corp.example.com:8080\nNO_PROXY=localhost,127.0.0.1,.internal",
    '1714564800.123456 [0 10.0.0.5:52344] "AUTH" "⟦pw⟧"\n1714564800.124001 [0 10.0.0.5:52344] "GET" "session:42"',
    "2024-05-01 10:00:00.000 UTC [812] LOG:  statement: ALTER USER app PASSWORD '⟦pw⟧'",
    "Your API key is: ⟦pkey⟧\nStore it somewhere safe; it will not be shown again.",
    "Personal access token created: ⟦gh⟧",
    "New API token generated\n\n  ⟦pkey⟧\n\nCopy it now. You won't be able to see it again!",
    "Hi team, the staging DB password is ⟦pw⟧ until Friday's rotation.",
    "⟦PVAR⟧: ⟦pkey⟧",
]

PLAIN_NEGATIVE = [
    "tests/test_auth.py::test_token_refresh PASSED                          [ 12%]\ntests/test_auth.py::test_password_reset_email PASSED                   [ 25%]\ntests/test_keys.py::test_api_key_rotation FAILED                        [ 37%]\ntests/test_keys.py::test_secret_manager_lookup PASSED                   [ 50%]",
    "[INFO] com.acme:api:jar:1.4.2\n[INFO] +- io.jsonwebtoken:jjwt-api:jar:0.12.5:compile\n[INFO] +- io.jsonwebtoken:jjwt-impl:jar:0.12.5:runtime\n[INFO] +- org.springframework.security:spring-security-crypto:jar:6.2.1:compile\n[INFO] \\- com.google.auth:google-auth-library-oauth2-http:jar:1.23.0:compile",
    "+--- io.jsonwebtoken:jjwt-api:0.12.5\n+--- org.springframework.boot:spring-boot-starter-oauth2-client -> 3.2.4\n|    \\--- org.springframework.security:spring-security-oauth2-jose:6.2.3",
    "added 1 package, and audited 312 packages in 2s\n\n+ jsonwebtoken@9.0.2\n\n41 packages are looking for funding\n  run `npm fund` for details",
    "Data\n====\ntls.crt:  1164 bytes\ntls.key:  1679 bytes",
    "2024-05-01 10:00:01.234  INFO 1 --- [main] o.s.s.web.DefaultSecurityFilterChain : Will secure any request with [DisableEncodeUrlFilter, SecurityContextHolderFilter, UsernamePasswordAuthenticationFilter, BearerTokenAuthenticationFilter]",
    "2024-05-01T10:00:00Z WARN  TokenRefresher: access token expires in 300s, refreshing (token_id=⟦n_uuid⟧)",
    '2024-05-01T10:00:00Z ERROR auth: invalid password for user "alice" from ⟦n_ip⟧ (attempt 3/5)',
    "DEBUG request headers: {'Authorization': '[REDACTED]', 'Content-Type': 'application/json', 'X-Request-Id': '⟦n_uuid⟧'}",
    'psql: error: connection to server at "db" (10.0.0.5), port 5432 failed: FATAL:  password authentication failed for user "app"',
    "commit ⟦n_sha40⟧\nAuthor: Jane Doe <jane@example.com>\nDate:   Tue Apr 30 10:00:00 2024 +0200\n\n    Rotate signing key and keep it in Secret Manager (secret: prod/signing-key)",
    '-    api_key = os.environ.get("API_KEY", "")\n+    api_key = settings.api_key\n     client = Client(api_key=api_key, timeout=30)',
    "-rw------- 1 app app   44 May  1 10:00 db_password.txt\n-rw------- 1 app app 1679 May  1 10:00 tls.key\n-rw-r--r-- 1 app app  451 May  1 10:00 tls.crt",
    "2024-05-01T10:00:00.000000Z    8 Query\tCREATE USER 'app'@'%' IDENTIFIED BY <secret>",
    "Looking in indexes: https://pypi.org/simple, https://__token__:****@gitlab.example.com/api/v4/projects/12/packages/pypi/simple\nCollecting internal-lib==2.3.1",
    "> GET /v1/me HTTP/1.1\n> Host: api.example.com\n> Authorization: Bearer <redacted>\n> User-Agent: curl/8.5.0",
    'Key                 Value\n---                 -----\ntoken_accessor      ⟦n_alnum16⟧\ntoken_duration      768h\ntoken_renewable     true\ntoken_policies      ["default" "app-read"]\nidentity_policies   []\npolicies            ["default" "app-read"]',
    '"Env": [\n    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",\n    "POSTGRES_PASSWORD_FILE=/run/secrets/pg",\n    "GOSU_VERSION=1.17"\n]',
    "Subject Public Key Info:\n    Public Key Algorithm: rsaEncryption\n        Public-Key: (2048 bit)\n        Exponent: 65537 (0x10001)\nX509v3 extensions:\n    X509v3 Subject Key Identifier: \n        3F:A1:09:5C:DE:11:4B:7A:90:22:1E:03:AB:CD:EF:12:34:56:78:9A",
    "256 SHA256:⟦n_b64_43⟧ ci@example.com (ED25519)",
    "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI⟦n_b64_43⟧ dev@laptop",
    "-----BEGIN PUBLIC KEY-----\nMFkwEwYHKoZIzj0CAQYIKoZIzj0DAQcDQgAE⟦n_b64_86⟧\n-----END PUBLIC KEY-----",
    "Set OPENAI_API_KEY to your key (it starts with sk-...). Never commit tokens; use a secret manager such as Vault or AWS Secrets Manager. The password must be at least 12 characters.",
    "Run docker/login-action@v3\n  with:\n    registry: ghcr.io\n    username: octocat\n    password: ***\n    logout: true\nLogging into ghcr.io...\nLogin Succeeded!",
    "$ printenv | sort\nCI=true\nDB_PASSWORD=[MASKED]\nHOME=/root\nNPM_TOKEN=[MASKED]",
    'NOTES:\n** Please be patient while the chart is being deployed **\n\nTo get the password for "postgres" run:\n\n    export POSTGRES_PASSWORD=$(kubectl get secret --namespace default app-postgresql -o jsonpath="{.data.postgres-password}" | base64 -d)',
    'ok: [web1] => (item=None) => {"censored": "the output has been hidden due to the fact that \'no_log: true\' was specified for this result", "changed": false}',
    '  Warning  FailedMount  2m (x12 over 20m)  kubelet  MountVolume.SetUp failed for volume "db-creds" : secret "db-creds" not found',
    "An error occurred (AccessDeniedException) when calling the GetSecretValue operation: User: arn:aws:sts::⟦n_account⟧:assumed-role/ci/botocore-session-1714564800 is not authorized to perform: secretsmanager:GetSecretValue on resource: arn:aws:secretsmanager:us-east-1:⟦n_account⟧:secret:prod/db/password-⟦n_suffix6⟧",
    "--- PASS: TestTokenExpiry (0.00s)\n--- PASS: TestPasswordHashing (0.12s)\n--- PASS: TestAPIKeyFromEnv (0.00s)\nok  \tgithub.com/acme/auth\t0.154s",
    '[[package]]\nname = "keyring"\nversion = "24.3.0"\ndescription = "Store and access your passwords safely."\noptional = false\npython-versions = ">=3.8"\nfiles = [\n    {file = "keyring-24.3.0-py3-none-any.whl", hash = "sha256:⟦n_hex64⟧"},\n]',
    '[[package]]\nname = "secrecy"\nversion = "0.8.0"\nsource = "registry+https://github.com/rust-lang/crates.io-index"\nchecksum = "⟦n_hex64⟧"',
    "#5 [2/6] RUN --mount=type=secret,id=npmrc,target=/root/.npmrc npm ci\n#5 12.31 added 812 packages in 12s\n#5 DONE 12.3s",
    "/home/dev/.gnupg/pubring.kbx\n----------------------------\nsec   ed25519 2024-01-01 [SC]\n      ⟦n_hex40up⟧\nuid           [ultimate] Dev <dev@example.com>\nssb   cv25519 2024-01-01 [E]",
    "secret/db-creds: password [16 bytes], username [3 bytes]",
    "Loaded 3 secrets from Vault (db/password, stripe/api-key, sendgrid/api-key) in 41ms",
    'export ANTHROPIC_API_KEY=sk-ant-...\ncurl https://api.anthropic.com/v1/messages -H "x-api-key: $ANTHROPIC_API_KEY"',
    "password: aaaaaaaaaaaaaaaa\ntoken: 0000000000000000",
    "AWS_ACCESS_KEY_ID=AKIA"
    + "IOSFODNN7EXAMPLE\nAWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCY"
    + "EXAMPLEKEY",
    "Token usage: input_tokens=1532 output_tokens=284 cache_read_input_tokens=10240 total_tokens=12056",
    "The key was rotated on 2024-04-30; the new secret version is 7 and the old one is disabled.",
    "password_reset_token_ttl=3600\nmax_password_length=128\nsession_key_prefix=sess:",
    "Generated a new SSH key (ed25519). Fingerprint: SHA256:⟦n_b64_43⟧. Public key saved to ~/.ssh/id_ed25519.pub.",
    "WARNING: The requested image's platform (linux/amd64) does not match the detected host platform\nUsing default tag: latest\nlatest: Pulling from library/postgres\nDigest: sha256:⟦n_hex64⟧",
    "checking for openssl/evp.h... yes\nchecking for library containing EVP_PKEY_new... -lcrypto\nchecking whether to enable keychain support... no",
    "api-key: 32 bytes\npassword: 16 bytes\ntoken: 40 bytes",
    "Loaded config: {'db_host': 'db.internal', 'db_password': '<hidden>', 'api_key': '••••••••', 'timeout': 30}",
    "DB_PASSWORD=<set>\nAPI_KEY=(redacted)\nSESSION_SECRET=[hidden]",
]


# ------------------------------------------------------------------------------------------------
# Instantiation

_PLACEHOLDER = re.compile("⟦([A-Za-z0-9_]+)(?::([0-9]+))?⟧")


def _instantiate(rng: random.Random, template: str, *, positive: bool) -> tuple[str, list[str]]:
    """The template with fresh values, and the secrets it now holds (for a positive template)."""
    provider_var, provider_key = _provider(rng)
    values: dict[str, str] = {}
    secrets: list[str] = []

    def value(match: re.Match[str]) -> str:
        name = match.group(1)
        key = match.group(0)
        if key in values:
            return values[key]
        secret_parts: list[str] = []
        if name == "PVAR":
            text = provider_var
        elif name == "pvar":
            text = provider_var.lower()
        elif name == "pVar":
            text = _camel(provider_var)
        elif name == "pkey":
            text = provider_key
            secret_parts = [text]
        elif name in ("pem", "pem_esc", "pem_yaml"):
            text, secret_parts = _pem(
                rng, escaped=name == "pem_esc", indent="    " if name == "pem_yaml" else ""
            )
        elif name == "b64pw":
            password = _password(rng)
            text = _b64(password.encode())
            secret_parts = [text]
        elif name == "b64auth":
            text = _b64(f"{rng.choice(['deploy', 'ci', 'admin', 'octocat'])}:{_password(rng)}".encode())
            secret_parts = [text]
        elif name == "b64plain":
            text = _b64(f"\0alerts@example.com\0{_password(rng)}".encode())
            secret_parts = [text]
        elif name == "b64pem":
            pem, _ = _pem(rng)
            text = _b64(pem.encode())
            secret_parts = [text[i : i + 64] for i in range(64, len(text) - 64, 64)]
        elif name == "tok":
            text = GENERATORS["tok"](rng)
            secret_parts = [text]
        else:
            text = GENERATORS[name](rng)
            if not name.startswith("n_"):
                secret_parts = [text]
        values[key] = text
        if positive:
            secrets.extend(secret_parts)
        return text

    text = _PLACEHOLDER.sub(value, template)
    return text, secrets


def _split(template: str) -> str:
    digest = hashlib.sha256(template.encode()).digest()
    return "holdout" if digest[0] % 3 == 0 else "dev"


# Agent-log envelopes for the JSON-escaped context: each holds the text as a JSON string value.
def _envelope(rng: random.Random, text: str, context: str) -> str:
    toolu = "toolu_01" + _rand(rng, 22)
    session = _uuid(rng)
    style = rng.randrange(5)
    if style == 0:
        event = {
            "type": "user",
            "message": {
                "role": "user",
                "content": [
                    {"tool_use_id": toolu, "type": "tool_result", "content": text, "is_error": False}
                ],
            },
            "parent_tool_use_id": None,
            "session_id": session,
            "uuid": _uuid(rng),
        }
    elif style == 1:
        tool = (
            {"name": "Bash", "input": {"command": text, "description": "Run the command"}}
            if context == "shell"
            else {
                "name": "Write",
                "input": {
                    "file_path": "/repo/"
                    + rng.choice(["config.yaml", "app.py", ".env", "notes.txt", "README.md"]),
                    "content": text,
                },
            }
        )
        event = {
            "type": "assistant",
            "message": {
                "id": "msg_01" + _rand(rng, 22),
                "type": "message",
                "role": "assistant",
                "model": "claude-sonnet-4-5-20250929",
                "content": [{"type": "tool_use", "id": toolu, **tool}],
                "stop_reason": None,
                "usage": {
                    "input_tokens": rng.randint(1, 9),
                    "cache_creation_input_tokens": rng.randint(100, 9000),
                    "cache_read_input_tokens": rng.randint(1000, 90000),
                    "output_tokens": rng.randint(10, 900),
                    "service_tier": "standard",
                },
            },
            "session_id": session,
        }
    elif style == 2:
        arguments = json.dumps(
            {"command": ["bash", "-lc", text], "workdir": "/Users/dev/src/app", "timeout_ms": 120000}
        )
        event = {
            "timestamp": "2025-09-25T01:23:37.076Z",
            "type": "response_item",
            "payload": {
                "type": "function_call",
                "name": "shell",
                "arguments": arguments,
                "call_id": "call_" + _rand(rng, 24),
            },
        }
    elif style == 3:
        event = {
            "type": "item.completed",
            "item": {
                "id": f"item_{rng.randint(1, 40)}",
                "type": "command_execution",
                "command": "bash -lc 'cat output.txt'",
                "aggregated_output": text,
                "exit_code": 0,
                "status": "completed",
            },
        }
    else:
        return json.dumps(
            {
                "action": "cat output.txt",
                "observation": text,
                "response": "Let me look at the output.",
                "thought": "Check what the command printed.",
                "execution_time": round(rng.random(), 3),
                "state": {"working_dir": "/testbed"},
            },
            indent=2,
        )
    return json.dumps(event, ensure_ascii=rng.random() < 0.3, separators=(",", ":"))


TEMPLATES: dict[str, tuple[list[str], list[str]]] = {
    "plain": (PLAIN_POSITIVE, PLAIN_NEGATIVE),
    "shell": (SHELL_POSITIVE, SHELL_NEGATIVE),
    "yaml": (YAML_POSITIVE, YAML_NEGATIVE),
    "source": (SOURCE_POSITIVE, SOURCE_NEGATIVE),
    "url": (URL_POSITIVE, URL_NEGATIVE),
}
CONTEXTS = (*TEMPLATES, "json")

_FILLER = [
    "Running the command now.",
    "exit status 0",
    "Done.",
    "",
    "warning: LF will be replaced by CRLF the next time Git touches it",
    "[main 4c1d2e9] wip",
]


def _surround(rng: random.Random, text: str) -> str:
    """Some tool output around the snippet (or none), as it shows up in a longer result."""
    before = rng.choice(_FILLER) if rng.random() < 0.4 else ""
    after = rng.choice(_FILLER) if rng.random() < 0.4 else ""
    return "\n".join(part for part in (before, text, after) if part)


def corpus(seed: int = 15, copies: int = 8) -> list[Document]:
    """Every template *copies* times with fresh values, plus each of them JSON-escaped in an envelope."""
    rng = random.Random(seed)
    documents: list[Document] = []
    for context, (positives, negatives) in TEMPLATES.items():
        for positive, templates in ((True, positives), (False, negatives)):
            for template in templates:
                split = _split(template)
                for _ in range(copies):
                    text, secrets = _instantiate(rng, template, positive=positive)
                    documents.append(Document(_surround(rng, text), context, template, split, secrets))
                    text, secrets = _instantiate(rng, template, positive=positive)
                    documents.append(
                        Document(_envelope(rng, text, context), "json", template, split, secrets)
                    )
    return documents


def leaked(secret: str, output: str) -> bool:
    """A secret leaks if half of it (at least 8 characters, or all of a shorter one) survives."""
    size = min(len(secret), max(8, len(secret) // 2))
    return any(secret[i : i + size] in output for i in range(len(secret) - size + 1))
