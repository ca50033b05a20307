"""The built-in redactor: coverage, look-alikes, idempotence, and its place in the redact chain."""

from __future__ import annotations

import base64
import json
import random
import re
import string
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from autopilot import hookimpl
from autopilot.core.errors import RedactionError
from autopilot.core.hooks import Hooks
from autopilot.plugins import redact as redact_secrets
from autopilot.plugins.redact.engine import find_secrets, redact_text
from autopilot.plugins.redact.names import secret_name_kind

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

RNG = random.Random(3)


def _body(n: int = 24) -> str:
    return rs.body(RNG, n)


# ------------------------------------------------------------------------------------------------
# Properties


@given(rs.text_with_format_secret())
def test_token_format_secrets_never_survive(case: tuple[str, str, str]) -> None:
    """No token-format secret (every provider, every context) survives redaction."""
    text, kind, distinctive = case

    redacted = redact_text(text)

    assert distinctive not in redacted, kind
    assert "[REDACTED:" in redacted


@given(rs.text_with_context_secret())
def test_context_secrets_never_survive(case: tuple[str, str]) -> None:
    """Secrets known only by their context (variables, flags, headers, URLs) never survive."""
    text, value = case

    assert value not in redact_text(text)


@given(rs.text_with_private_key())
def test_private_keys_never_survive(case: tuple[str, list[str]]) -> None:
    """No line of a private key survives: plain, JSON-escaped, YAML-indented or truncated."""
    text, lines = case

    redacted = redact_text(text)

    assert [line for line in lines if line in redacted] == []


@given(rs.look_alike(), st.sampled_from(["{x}", "log: {x}\nnext", '{{"v": "{x}"}}']))
def test_look_alikes_survive_byte_for_byte(look_alike: str, holder: str) -> None:
    """SHAs, UUIDs, integrity hashes, images, agent ids, placeholders and code are left alone."""
    text = holder.format(x=look_alike)

    assert redact_text(text) == text


@given(
    st.one_of(
        rs.text_with_format_secret().map(lambda c: c[0]),
        rs.text_with_context_secret().map(lambda c: c[0]),
        rs.text_with_private_key().map(lambda c: c[0]),
        rs.look_alike(),
        st.text(max_size=300),
    )
)
def test_redaction_is_idempotent(text: str) -> None:
    """Redacting twice changes nothing more than redacting once."""
    once = redact_text(text)

    assert redact_text(once) == once


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_text_without_secrets_is_unchanged_or_marked(text: str) -> None:
    """Arbitrary text either comes back unchanged or only gains markers (never garbled)."""
    redacted = redact_text(text)

    assert redacted == text or "[REDACTED:" in redacted


def _names() -> list[str]:
    """Every word the engine searches for to read a value after it, and whole names and headers
    that hold those words (the kind of secret comes from the whole name)."""
    from autopilot.plugins.redact.passes import _context_passes

    anchors = {anchor.decode("utf-8", "replace") for search in _context_passes() for anchor in search.anchors}
    names = (
        "Authorization Proxy-Authorization X-Api-Key apiKey client_secret PGPASSWORD Set-Cookie пароль 密码"
    )
    return sorted(anchors | set(names.split()))


_AFTER_ANCHOR = st.sampled_from(
    [": ", "=", " ", '="', ":'", " -p ", "\\n", "\n  ", "\t", "：", " « ", ": Basic ", ": Bearer "]
)
_VALUE = st.one_of(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=16),
    st.text(alphabet="AZaz09+/=_-.:é", max_size=40),
)


@given(
    st.lists(
        st.tuples(
            st.sampled_from(_names()), _AFTER_ANCHOR, _VALUE, st.sampled_from(["", " ", "\n", '", '])
        ).map("".join),
        min_size=1,
        max_size=6,
    ).map("".join)
)
@example("Authorization: Basic déjà vu")
def test_any_text_around_the_words_it_reads_redacts_without_error(text: str) -> None:
    """Whatever follows or surrounds a word the engine reads a value after (a name, a tool, a header:
    `Authorization: Basic` then letters outside ASCII), redaction returns text; an error here would
    abort the write of the step (the chain fails closed) and end the run."""
    for form in (text, json.dumps(text)[1:-1]):
        redacted = redact_text(form)

        assert redacted == form or "[REDACTED:" in redacted


@given(
    st.lists(
        st.sampled_from(["def f(x):", "    return x + 1", "ok", "PASSED", "diff --git a/a b/a", "ä ✓ 😀"]),
        max_size=30,
    ).map("\n".join)
)
def test_plain_text_is_unchanged(text: str) -> None:
    """Text without any secret is returned exactly as it was."""
    assert redact_text(text) == text


# ------------------------------------------------------------------------------------------------
# Examples per requirement


@pytest.mark.parametrize(
    ("template", "kind"),
    [
        ("DB_PASSWORD={v}", "password"),
        ("export GITHUB_TOKEN={v}", "token"),
        ('{{"api_key": "{v}"}}', "api_key"),
        ("  password: {v}", "password"),
        ('SECRET_KEY = "{v}"', "secret"),
        ("--password {v}", "password"),
        ("--token={v}", "token"),
        ("x-api-key: {v}", "api_key"),
        ("Authorization: Bearer {v}", "authorization"),
        ("redis://:{v}@cache:6379/0", "url_password"),
        ("Cookie: sessionid={v}; theme=dark", "cookie"),
        ("Set-Cookie: session={v}; Path=/; HttpOnly", "cookie"),
        ("curl -b 'sid={v}' https://x", "cookie"),
        ("curl -u admin:{v} https://x", "password"),
        ('curl --proxy-user "proxy:{v}" https://x', "password"),
    ],
)
def test_marker_names_the_kind(template: str, kind: str) -> None:
    """The marker says what kind of secret was removed."""
    value = _body()

    assert redact_text(template.format(v=value)) == template.format(v=f"[REDACTED:{kind}]")


def test_url_keeps_scheme_user_and_host() -> None:
    """Only the password of scheme://user:pass@host is removed."""
    password = _body(14)

    redacted = redact_text(f"postgres://app:{password}@db.internal:5432/app")

    assert redacted == "postgres://app:[REDACTED:url_password]@db.internal:5432/app"


def test_yaml_value_runs_to_end_of_line() -> None:
    """A bare YAML password with spaces is removed up to the comment."""
    redacted = redact_text("  password: correct horse battery 42 # rotated monthly\n")

    assert redacted == "  password: [REDACTED:password] # rotated monthly\n"


def test_mysql_short_password_flag() -> None:
    """mysql's -pPASSWORD and -p'PASSWORD' forms are redacted."""
    value = _body(12)

    assert value not in redact_text(f"mysql -uroot -p{value} app")
    assert value not in redact_text(f"mysql -uroot -p'{value}' app")


def test_kubernetes_secret_data_values() -> None:
    """Every value under data: of a Kubernetes Secret is redacted, the keys stay."""
    values = [_body(20), _body(32)]
    text = (
        f"apiVersion: v1\nkind: Secret\ndata:\n  db-password: {values[0]}\n"
        f"  tls.key: {values[1]}\ntype: Opaque\n"
    )

    redacted = redact_text(text)

    assert "db-password: [REDACTED:" in redacted
    assert "tls.key: [REDACTED:kubernetes_secret]" in redacted
    assert all(v not in redacted for v in values)


@given(kubectl_order=st.booleans(), between=st.sampled_from(["", "$ cat configmap.yaml\n", "{\n}\n"]))
def test_manifests_run_together_keep_a_configmap_after_a_secret(kubectl_order: bool, between: str) -> None:
    """Manifests printed one after another without `---` (`cat secret.yaml configmap.yaml`): the
    Secret's data goes, the ConfigMap's after it stays, in either key order (kubectl's sorts them:
    `apiVersion`, `data`, `kind`)."""
    value = _body(24)

    def manifest(kind: str, data: str) -> str:
        if kubectl_order:
            return f"apiVersion: v1\ndata:\n{data}kind: {kind}\nmetadata:\n  name: app\n"
        return f"apiVersion: v1\nkind: {kind}\nmetadata:\n  name: app\ndata:\n{data}"

    configmap = manifest("ConfigMap", "  LOG_LEVEL: debug\n  FEATURE_FLAGS: beta,gamma\n")
    text = manifest("Secret", f"  db-password: {value}\n") + between + configmap

    redacted = redact_text(text)

    assert value not in redacted
    assert redacted.endswith(configmap)


def test_kubernetes_secret_as_json() -> None:
    """kubectl's JSON form of a Secret has its data values redacted too."""
    value = _body(28)
    text = json.dumps({"kind": "Secret", "data": {"token": value, "ca.crt": value[::-1]}})

    redacted = redact_text(text)

    assert value not in redacted and value[::-1] not in redacted


def test_aws_secret_next_to_key_id() -> None:
    """An AWS secret access key next to its key id is redacted without a variable name."""
    key_id = "AK" + "IA" + rs.body(RNG, 16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    secret = rs.body(RNG, 40, rs.B64)

    redacted = redact_text(f"{key_id},{secret}\n")

    assert redacted == "[REDACTED:aws_access_key_id],[REDACTED:aws_secret_access_key]\n"


def test_git_author_lines_stay_but_auth_names_do_not() -> None:
    """git's `Author:` lines stay; `Authorization:`, `AUTH_TOKEN=` and camel-case `authOrg=` values go."""
    log = "commit 0123abcd\nAuthor: Dev Name <dev@example.org>\nAUTHOR: Dev Name\n"
    assert redact_text(log) == log
    value = _body()
    for name, kind in (
        ("Authorization: Bearer ", "authorization"),
        ("AUTH_TOKEN=", "secret"),
        ("authOrg=", "secret"),
    ):
        assert redact_text(f"{name}{value}\n") == f"{name}[REDACTED:{kind}]\n"


def test_random_value_containing_a_keyword_is_still_a_secret() -> None:
    """A generated value that happens to contain KEY or pass is not mistaken for a variable name."""
    assert redact_text("DB_PASSWORD=nitRQq5S5ObKEY5B\n") == "DB_PASSWORD=[REDACTED:password]\n"


def test_variable_reference_is_not_a_secret() -> None:
    """`token=access_token` and `password: db_password` name variables; they stay."""
    for text in ("f(token=access_token)", "password: db_password", "API_KEY=$OPENAI_API_KEY"):
        assert redact_text(text) == text


def test_existing_marker_as_value_stays() -> None:
    """`password=[REDACTED:x]` is already clean and stays exactly as it is."""
    for text in (
        "password=[REDACTED:x]",
        'token: "[REDACTED:github_token]"',
        "Authorization: Bearer [REDACTED:jwt]",
    ):
        assert redact_text(text) == text


def test_surrogates_and_unicode_round_trip() -> None:
    """Lone surrogates (from undecodable files) and emoji survive untouched around a redaction."""
    value = _body()
    text = f"\udcff ✓ 😀 password={value} ✓"

    assert redact_text(text) == "\udcff ✓ 😀 password=[REDACTED:password] ✓"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("AZURE_CLIENT_SECRET", "secret"),
        ("apiKey", "api_key"),
        ("x-api-key", "api_key"),
        ("PGPASSWORD", "password"),
        ("max_tokens", None),
        ("token_url", None),
        ("secret_name", None),
        ("primary_key", None),
        ("next_page_token", None),
        ("Authorization", "authorization"),
    ],
)
def test_secret_names(name: str, expected: str | None) -> None:
    """Variable names are classified by their words, not by substrings alone."""
    assert secret_name_kind(name) == expected


def test_find_secrets_reports_lines() -> None:
    """find_secrets gives the 1-based line and kind of each secret, without changing the text."""
    text = "ok\nexport NPM_TOKEN=np" + "m_" + rs.body(RNG, 36) + "\nfine\n"

    assert [(f.line, f.kind) for f in find_secrets(text)] == [(2, "npm_token")]


# ------------------------------------------------------------------------------------------------
# The redact chain


def test_hook_redact_through_hooks(hooks: Hooks) -> None:
    """The plugin is registered and the Hooks facade applies it to every string it redacts."""
    token = "gh" + "p_" + _body(36)

    assert hooks.redact(text=f"token {token}") == "token [REDACTED:github_token]"
    assert redact_secrets.redact(text=f"token {token}") == "token [REDACTED:github_token]"


class _Upper:
    """A project redactor that turns a custom secret into a marker and upper-cases 'hello'."""

    @hookimpl
    def redact(self, text: str) -> str:
        return text.replace("hello", "HELLO ghp_" + "x" * 2 + "_not_a_token")


class _Leaky:
    """A badly written redactor that puts a secret back."""

    def __init__(self, secret: str) -> None:
        self.secret = secret

    @hookimpl
    def redact(self, text: str) -> str:
        return text + " " + self.secret


class _Broken:
    @hookimpl
    def redact(self, text: str) -> str:
        raise ValueError("boom")


def test_builtin_runs_last_and_scans_other_redactors_output(hooks: Hooks) -> None:
    """Another redactor's output still goes through the built-in one (it runs last)."""
    secret = "sk-" + "ant-api03-" + _body(60)
    hooks.pm.register(_Leaky(secret), name="leaky")

    assert hooks.redact(text="ok") == "ok [REDACTED:anthropic_api_key]"


def test_chain_fails_closed(hooks: Hooks) -> None:
    """A redactor that raises stops the write: RedactionError, no text."""
    hooks.pm.register(_Broken(), name="broken")

    with pytest.raises(RedactionError):
        hooks.redact(text="anything")


@given(
    st.lists(
        st.one_of(
            rs.text_with_format_secret().map(lambda c: (c[0], [c[2]])),
            rs.text_with_context_secret().map(lambda c: (c[0], [c[1]])),
            rs.text_with_private_key(),
        ),
        min_size=1,
        max_size=4,
    )
)
@settings(max_examples=15)
def test_no_written_file_holds_a_tool_output_secret(
    tmp_path_factory: pytest.TempPathFactory, outputs: list
) -> None:
    """Secrets in tool calls, tool output and raw events reach no trajectory file (JSON, journal, rlog)."""
    from autopilot.core.models import Run, Step
    from autopilot.core.pluginmanager import make_plugin_manager
    from autopilot.core.recorder import Recorder
    from autopilot.core.trajectory.files import base_path_for

    hooks = Hooks(make_plugin_manager(load_local=False))
    directory = tmp_path_factory.mktemp("logs")
    run = Run(prompt="deploy", agent="test", model="claude-sonnet-4-5", cwd=str(directory), slug="deploy")
    recorder = Recorder(hooks, run, base_path_for(run, directory))
    recorder.start()
    for text, _ in outputs:
        recorder.add(Step("tool_call", tool="Bash", tool_use_id="toolu_01", input={"command": text}))
        recorder.add(
            Step("tool_result", tool_use_id="toolu_01", output=text, raw={"content": [{"text": text}]})
        )
    journal = "".join(p.read_text() for p in directory.rglob("*") if p.is_file())
    recorder.finish(status="success", final_text=outputs[0][0])

    written = journal + "".join(p.read_text() for p in directory.rglob("*") if p.is_file())

    assert [s for _, secrets in outputs for s in secrets if s in written] == []


@given(
    st.integers(0, 2**32),
    st.sampled_from(
        [
            "from twilio.rest import Client\n\nclient = Client(os.environ['TWILIO_ACCOUNT_SID'], '{t}')",
            'import twilio\nsid = os.environ["SID"]\nclient = twilio.rest.Client(sid, "{t}")',
            '$ twilio api:core:messages:list --password "{t}"',
        ]
    ),
)
def test_twilio_token_in_code_that_uses_twilio_never_survives(seed: int, template: str) -> None:
    """A quoted 32-hex Twilio auth token a few lines after a Twilio mention goes, with no SID near it."""
    token = rs.body(random.Random(seed), 32, rs.HEX)

    for style in ("plain", "json"):
        text = template.format(t=token)
        text = json.dumps({"content": text}) if style == "json" else text
        assert token not in redact_text(text)


@given(st.integers(0, 2**32))
def test_hex_strings_without_twilio_or_not_token_shaped_survive(seed: int) -> None:
    """MD5 sums without a Twilio mention, and SHAs, UUIDs and unquoted sums beside one, stay."""
    rng = random.Random(seed)
    md5 = rs.body(rng, 32, rs.HEX)
    sha1 = rs.body(rng, 40, rs.HEX)
    texts = [
        f'checksum = "{md5}"',
        f"from twilio.rest import Client\nREVISION = '{sha1}'\n$ md5sum twilio.tar.gz\n{md5}  twilio.tar.gz",
        f'twilio==9.0.0\nrequest_id = "{md5[:8]}-{md5[8:12]}-{md5[12:16]}-{md5[16:20]}-{md5[20:]}"',
    ]

    assert [redact_text(text) for text in texts] == texts


@pytest.mark.parametrize(
    "line",
    [
        'redact_secrets = "autopilot.plugins.redact"\n',
        "_TOKEN_SEARCH: Final = BytesAhoCorasick(list(anchors))\n",
        "_TOKEN_PRIORITY: Final = 0\n",
        '_AZURE_SECRET: Final = re.compile(rb"[0-9]Q~")\n',
        "api_key: str | None = None\n",
    ],
)
def test_source_code_that_only_names_secrets_survives(line: str) -> None:
    """Annotated constants and dotted import paths in source files an agent reads are left alone."""
    assert redact_text(line) == line


def test_a_string_assigned_to_an_annotated_secret_name_is_redacted() -> None:
    """`SECRET_KEY: str = "<value>"` loses its value, not its annotation."""
    value = "q8Zr" + "2LmX9vTa7Kd3"

    assert redact_text(f'SECRET_KEY: str = "{value}"\n') == 'SECRET_KEY: str = "[REDACTED:secret]"\n'


# ------------------------------------------------------------------------------------------------
# Kinds added for issue 15 (secrets built at run time; {v} is the secret)

_KINDS_CAUGHT = [
    "mysql -h db -u root -p{v} -e 'select 1'",
    "mongosh --host m0 -u root -p {v} --authenticationDatabase admin",
    "redis-cli -h cache -p 6379 -a {v} PING",
    "docker login -u bot -p {v} registry.example.com",
    'echo "{v}" | docker login ghcr.io -u bot --password-stdin',
    "sqlcmd -S db -U sa -P '{v}' -Q 'select 1'",
    "openssl pkcs12 -export -in c.pem -out b.p12 -passout pass:{v}",
    "az login --service-principal -u app -p {v} --tenant t",
    "aws configure set aws_secret_access_key {v} --profile ci",
    "requirepass {v}",
    "machine api.example.com login me password {v}",
    "db.internal:5432:*:app:{v}",
    "[smtp.gmail.com]:587 alerts@example.com:{v}",
    "user default on >{v} ~* +@all",
    "$ printenv DB_PASSWORD\n{v}",
    "$ kubectl get secret db -o jsonpath='{{.data.password}}' | base64 -d\n{v}",
    "Please use the following password to proceed to installation:\n\n{v}\n",
    "A temporary password is generated for root@localhost: {v}",
    'resp = requests.get(url, auth=("admin", "{v}"))',
    "define('DB_PASSWORD', '{v}');",
    'os.environ["MISTRAL_API_KEY"] = "{v}"',
    "$apiKey = '{v}';",
    "ALTER ROLE app WITH LOGIN PASSWORD '{v}';",
    "CREATE USER 'app'@'%' IDENTIFIED BY '{v}';",
    "env:\n  - name: DB_PASSWORD\n    value: {v}",
    "ENV API_KEY {v}",
    "DOCKER_PASSWORD ?= {v}",
    "mc alias set minio http://localhost:9000 minioadmin {v}",
    "ssh-keygen -t ed25519 -N '{v}' -f deploy_key",
]


@pytest.mark.parametrize("template", _KINDS_CAUGHT)
def test_credentials_given_to_tools_and_code_never_survive(template: str) -> None:
    """Passwords on command lines, in server configs and credential files, printed or passed to code go."""
    value = _body(12) + "-" + _body(6)
    text = template.format(v=value)

    assert value not in redact_text(text)
    assert value not in redact_text(json.dumps({"content": text}))


_KINDS_LEFT_ALONE = [
    "[INFO] +- io.jsonwebtoken:jjwt-api:jar:0.12.5:compile",
    '"jsonwebtoken": "^9.0.2",',
    "arn:aws:secretsmanager:us-east-1:123456789012:secret:prod/db/password-AbC123",
    'SECRET_ARN = "arn:aws:secretsmanager:eu-west-1:123456789012:secret:prod/api-key"',
    "gcloud secrets versions access latest --secret=db-password --project=acme",
    'export API_KEY="${API_KEY:?API_KEY is required}"',
    'mysql -u app -p"$DB_PASSWORD" app',
    "password:  24 bytes",
    "  ~ password = (sensitive value)",
    "//registry.npmjs.org/:_authToken = (protected)",
    "export OPENAI_API_KEY=sk-...",
    "api_key: <your-api-key>",
    "https://hooks.slack.com/services/T00000000/B00000000/XXXXXXXXXXXXXXXXXXXXXXXX",
    "existingSecret: grafana-admin",
    'redis-cli -a "$REDIS_PASSWORD" --no-auth-warning ping',
    "MasterUserPassword: !Sub '{{resolve:secretsmanager:${DBSecret}:SecretString:password}}'",
    "  auth: getSession,",
    "api_key_reqs: number",
    "Subject Key Identifier: \n    3F:A1:09:5C:DE:11:4B:7A:90:22:1E:03:AB:CD:EF:12:34:56:78:9A",
]


@pytest.mark.parametrize("text", _KINDS_LEFT_ALONE)
def test_names_references_masks_and_placeholders_survive(text: str) -> None:
    """Identifiers with a keyword, references, masked values and placeholders stay byte for byte."""
    assert redact_text(text) == text
    assert redact_text(json.dumps({"content": text})) == json.dumps({"content": text})


# ------------------------------------------------------------------------------------------------
# Found by the corpus written blind to the rules (issue 15)

_MARKER = re.compile(r"\[REDACTED:[a-z0-9_]+\]")


def _in_order_within(small: str, big: str) -> bool:
    """Whether *small* is *big* with some characters left out, the rest in their order."""
    rest = iter(big)
    return all(char in rest for char in small)


# Shell lines that quote a prompt naming a secret: the quotes must never pair across JSON strings.
_PROMPTS = st.sampled_from(
    [
        'read -rsp "Vault token: " VAULT_TOKEN && export VAULT_TOKEN',
        "read -s -p 'Password: ' PGPASSWORD; echo",
        'printf "api key: " && read -r API_KEY',
        'echo "token: " "$TOKEN" >&2',
        'password: "',
    ]
)
_TEXTS = st.one_of(
    rs.text_with_context_secret().map(lambda c: c[0]),
    rs.text_with_format_secret().map(lambda c: c[0]),
    _PROMPTS,
    st.text(max_size=80),
)


@given(st.lists(_TEXTS, min_size=2, max_size=4), st.booleans())
def test_redaction_stays_inside_each_json_string(texts: list[str], twice: bool) -> None:
    """In an agent log (JSON, escaped once or twice), every string keeps its place and its key and
    only loses text of its own: no secret is taken to span two strings."""
    fields = {f"f{i}": text for i, text in enumerate(texts)}
    line = json.dumps({"raw": json.dumps(fields)}) if twice else json.dumps(fields)

    parsed = json.loads(redact_text(line))
    redacted = json.loads(parsed["raw"]) if twice else parsed

    assert list(redacted) == list(fields)
    for key, text in fields.items():
        assert _in_order_within(_MARKER.sub("", redacted[key]), text)


def test_a_quoted_prompt_in_an_agent_log_stays_whole() -> None:
    """`read -rsp "Vault token: " VAR` logged twice in one JSON line is left exactly as it was."""
    command = 'read -rsp "Vault token: " VAULT_TOKEN && export VAULT_TOKEN\nvault kv get secret/app/db'
    line = json.dumps({"content": command, "is_error": False, "toolUseResult": {"stdout": command}})

    assert redact_text(line) == line


def test_xml_attribute_pair_loses_its_value_not_the_attribute() -> None:
    """NuGet `<add key="ClearTextPassword" value="…" />`: the value goes, `value=` stays."""
    value = _body(14)
    line = f'    <add key="ClearTextPassword" value="{value}" />'

    assert redact_text(line) == '    <add key="ClearTextPassword" value="[REDACTED:password]" />'
    assert value not in redact_text(json.dumps({"content": line}))


@pytest.mark.parametrize("separator", [";", ",", "#", "&", ">"])
def test_a_value_alone_on_its_line_runs_to_its_end(separator: str) -> None:
    """Punctuation inside a password (`vault kv get` tables, my.cnf) does not cut it short."""
    value = _body(6) + separator + _body(5) + separator + _body(4)
    table = f"Key         Value\n---         -----\npassword    {value}\n"
    for text in (table, f"[client]\npassword={value}\n"):
        assert value.split(separator)[-1] not in redact_text(text), text
        assert value.split(separator)[-1] not in redact_text(json.dumps({"content": text})), text


def test_a_call_after_a_secret_name_is_code() -> None:
    """`secret = secrets.token_urlsafe(32)` holds no secret, however the line ends."""
    for line in ("secret = secrets.token_urlsafe(32)", "secret_key=Fernet.generate_key()"):
        assert redact_text(line) == line


_BLIND_CAUGHT = [
    '{{"kty": "RSA", "n": "{n}", "e": "AQAB", "d": "{v}", "p": "{v}x", "q": "{v}y", "qi": "{v}z"}}',
    '{{"name": "cookie", "value": "session={v}; theme=dark"}}',
    '"cookies": [{{"name": "sid", "value": "{v}", "httpOnly": true}}]',
    '{{"name": "authorization", "value": "Basic {v}"}}',
    '{{"key": "apiKey", "value": "{v}", "type": "secret"}}',
    '{{"key": "stripe", "value": "{v}", "type": "secret", "enabled": true}}',
    "* OK IMAP4rev1 ready\na001 LOGIN jane@example.org {v}\na001 OK LOGIN completed",
    "sudo tailscale up --authkey={v}",
    'echo "db.internal:5432:app:app:{v}" >> ~/.pgpass',
    "echo {v} | az devops login --organization https://dev.azure.com/acme",
    "echo {v} | sudo -S systemctl restart app",
    "const JWT_SECRET = process.env.JWT_SECRET || '{v}';",
    'const key = process.env.API_KEY ?? "{v}";',
    'token = os.environ.get("API_TOKEN") or "{v}"',
    "figma token for the design sync job: {v} (read-only)",
    "jdbc:postgresql://db:5432/app?user=app&password={v}&ssl=true",
    "ansible_become_password: {w}",
    "sudo chpasswd <<< 'ubuntu:{v}'",
    "$ terraform output -raw admin_pw\n{v}",
    "define( 'AUTH_KEY', '{v}${{Q{v}' );",
]


@pytest.mark.parametrize("template", _BLIND_CAUGHT)
def test_kinds_found_by_the_blind_corpus_never_survive(template: str) -> None:
    """JWKs, HAR and Postman pairs, IMAP logins, piped and fallback credentials, and the rest go."""
    value = _body(12) + "-" + _body(6)
    word_password = "purple-" + "monkey-" + "xenon-" + str(RNG.randint(1, 9))
    text = template.format(v=value, n=_body(40), w=word_password)

    for form in (text, json.dumps({"content": text}), json.dumps({"raw": json.dumps({"out": text})})):
        redacted = redact_text(form)
        assert value not in redacted and word_password not in redacted, form


def test_webhooks_whose_path_is_the_secret() -> None:
    """Zapier catch hooks and Mattermost incoming hooks lose their secret part, not their host."""
    zap = _body(7).lower()
    hook = "".join(RNG.choice("abcdefghijklmnopqrstuvwxyz0123456789") for _ in range(24)) + "a1"

    assert redact_text(f"https://hooks.zapier.com/hooks/catch/123456/{zap}/") == (
        "https://hooks.zapier.com/hooks/catch/123456/[REDACTED:zapier_webhook]/"
    )
    assert redact_text(f"https://chat.example.org/hooks/{hook}") == (
        "https://chat.example.org/hooks/[REDACTED:chat_webhook]"
    )


_BLIND_LEFT_ALONE = [
    "permissions:\n  id-token: write\n  contents: read\n  packages: none",
    "apiVersion: bitnami.com/v1alpha1\nkind: SealedSecret\nmetadata:\n  name: db\nspec:\n"
    "  encryptedData:\n    password: AgB{b}\n    api-key: AgC{b}x\n  template:\n    type: Opaque",
    '{{"kind": "SealedSecret", "spec": {{"encryptedData": {{"password": "AgB{b}"}}}}}}',
    "const stripe = new Stripe(process.env.STRIPE_SECRET_KEY!, {{ apiVersion: '2024-06-20' }});",
    "apiKey: process.env.OPENAI_API_KEY!,",
    "export HF_TOKEN=hf_xxx\nexport OPENAI_API_KEY=sk-xxxx",
    "ED25519 key fingerprint is SHA256:{b}.",
    "Sentry initialised: dsn=https://{h}@o4504.ingest.sentry.io/4505",
    "SENTRY_DSN=https://{h}@sentry.example.org/12",
    "amqp://guest:guest@localhost:5672/",
    "theme as keyof typeof config.theme] ||\n  config.color;",
    "RUN --mount=type=secret,id=npm_token NPM_TOKEN=$(cat /run/secrets/npm_token) npm ci",
    "token = os.getenv('GITHUB_TOKEN') or ''",
]


@pytest.mark.parametrize("template", _BLIND_LEFT_ALONE)
def test_what_the_blind_corpus_leaves_alone_survives(template: str) -> None:
    """Permission values, ciphertext meant to be committed, code, placeholders, fingerprints,
    Sentry's public DSN keys and documented default credentials stay byte for byte."""
    text = template.format(b=_body(40), h="".join(RNG.choice(rs.HEX) for _ in range(32)))

    assert redact_text(text) == text
    assert redact_text(json.dumps({"content": text})) == json.dumps({"content": text})


def test_a_legacy_sentry_dsn_still_loses_its_secret() -> None:
    """`https://public:secret@sentry.io/1` (the old DSN with a secret key): the secret goes."""
    public, secret = ("".join(RNG.choice(rs.HEX) for _ in range(32)) for _ in range(2))

    assert secret not in redact_text(f"dsn=https://{public}:{secret}@sentry.io/12")


# ------------------------------------------------------------------------------------------------
# False positives found by the third corpus written blind to the rules (issue 15), by family


def _hex(n: int, alphabet: str = rs.HEX) -> str:
    return "".join(RNG.choice(alphabet) for _ in range(n))


_FRESH_LEFT_ALONE = [
    # a hash, digest or checksum of a secret, by its name
    '{{"type": "Secret Keyword", "filename": "a.yml", "hashed_secret": "{h40}", "is_verified": false}}',
    "token_sha256: {h64}",
    'PASSWORD_MD5="{h32}"',
    "hashedPassword = '{h40}'",
    "secret_checksum={h64}",
    # references to a secret manager instead of the secret
    "GITHUB_TOKEN=op://Private/GitHub PAT/credential",
    "DATABASE_PASSWORD=op://Engineering/orders-db/password",
    'API_KEY="ref+awssecrets://myapp/{w}#/api_key"',
    "password: ref+vault://secret/data/{w}#password",
    "DB_PASSWORD=sm://acme-prod/{w}-db-password",
    "env:\n  DB_PASSWORD: vault:secret/data/{w}#password",
    "az containerapp update -n api --set-env-vars DB_PASSWORD=secretref:{w}-db-password",
    "DB_PASSWORD=@Microsoft.KeyVault(VaultName=kv-{w};SecretName=db-password)",
    "# Cloud Run: --set-secrets=STRIPE_KEY=projects/{n}/secrets/stripe-key/versions/latest",
    "gcloud run deploy api --set-secrets=DB_PASSWORD=db-password:latest,API_KEY=api-key:3",
    "docker build --secret id=npmrc,src=/root/.npmrc -t app .",
    # cookies that hold an analytics id or a preference
    "Cookie: _ga=GA1.1.{n}.{e}; cookie_consent=accepted; theme=dark; lang=en-GB",
    "Cookie: _ga_{W}=GS1.1.{e}.3.1.{e}.0.0.0; _fbp=fb.1.{e}.{n}; _gcl_au=1.1.{n}.{e}",
    "Set-Cookie: OptanonConsent=isGpcEnabled=0&datestamp={e}&version=6.39.0; Path=/; Secure",
    # certificate text
    "        X509v3 Subject Key Identifier:\n            {H40}",
    "        X509v3 Authority Key Identifier:\n            keyid:{colons}",
    "X509v3 Subject Key Identifier: {colons}",
    # listings that print the names of secrets, with digests and dates
    "$ fly secrets list -a api\nNAME            DIGEST                  CREATED AT\n"
    "DATABASE_URL    {h16}        2024-05-01T10:00:00Z\nSECRET_KEY_BASE {h16}        2024-05-01T10:00:00Z",
    # file paths under key-, cert- or secret-named parameters
    "mongodb+srv://c0.{h8}.mongodb.net/?authSource=%24external&authMechanism=MONGODB-X509"
    "&tlsCertificateKeyFile=%2Fetc%2Fcerts%2Fclient.pem",
    "psql 'host=db sslmode=verify-full sslkey=%2Fhome%2Fci%2F.postgresql%2Fpostgresql.key'",
    "client_key: /etc/ssl/private/Client{n}.key",
    "PRIVATE_KEY=%2Frun%2Fsecrets%2FDeploy{n}.pem",
]


@pytest.mark.parametrize("template", _FRESH_LEFT_ALONE)
def test_what_describes_or_points_to_a_secret_survives(template: str) -> None:
    """Hashes of secrets, secret-manager references, analytics and preference cookies, certificate
    key identifiers, listings of secret names and file paths stay byte for byte."""
    hex_upper = _hex(40, "0123456789ABCDEF")
    text = template.format(
        h8=_hex(8),
        h16=_hex(16),
        h32=_hex(32),
        h40=_hex(40),
        h64=_hex(64),
        H40=hex_upper,
        colons=":".join(hex_upper[i : i + 2] for i in range(0, 40, 2)),
        w=RNG.choice(["orders", "billing", "ci"]),
        W=_body(8).upper(),
        n=RNG.randint(1000, 99999),
        e=RNG.randint(1_700_000_000, 1_800_000_000),
    )
    for form in rs.forms(text):
        assert redact_text(form) == form


_FRESH_STILL_CAUGHT = [
    "Cookie: _ga=GA1.1.123.456; sessionid={v}; theme=dark",
    "Cookie: theme_session={v}; lang=en",
    "Cookie: _gid=GA1.2.3.4; __Host-auth={v}",
    "NAME            VALUE\nSECRET_KEY_BASE {v}",
    "NAME          DATA\ndb-password   {v}",
    "--set-secrets=API_KEY={v}",
    "docker build --secret id={v} .",
    "hash_secret = '{v}'",
    'api_key = "/a/{v}"',
]


@pytest.mark.parametrize("template", _FRESH_STILL_CAUGHT)
def test_session_cookies_values_and_mappings_to_secrets_still_go(template: str) -> None:
    """Beside those look-alikes, session cookies, a VALUE column and a name mapped to a secret go."""
    value = _body(12) + "x" + _body(6)
    for form in rs.forms(template.format(v=value)):
        assert value not in redact_text(form), form


_SECRET_NAMES = st.sampled_from(
    ["GITHUB_TOKEN", "db_password", "apiKey", "STRIPE_SECRET_KEY", "client-secret"]
)
_ASSIGNMENTS = st.sampled_from(["{n}={v}", 'export {n}="{v}"', "{n}: {v}", '"{n}": "{v}"', "{n} = '{v}'"])


@given(
    _SECRET_NAMES,
    _ASSIGNMENTS,
    st.sampled_from(sorted(redact_secrets.rules.SECRET_REFERENCE_SCHEMES)),
    st.booleans(),
    st.lists(st.from_regex(r"[A-Za-z][A-Za-z0-9_\-]{0,12}", fullmatch=True), min_size=1, max_size=4),
)
def test_secret_manager_references_survive(
    name: str, assignment: str, scheme: str, vals: bool, path: list[str]
) -> None:
    """A value that is a secret manager's URI (`op://…`, `ref+vault://…`, `sm://…`) is not a secret."""
    reference = ("ref+" if vals else "") + scheme + "://" + "/".join(path)
    text = assignment.format(n=name, v=reference)

    for form in rs.forms(text):
        assert redact_text(form) == form


@given(
    st.sampled_from(["_ga", "_ga_G7XK2", "_gid", "_fbp", "_gcl_au", "__utma", "ajs_anonymous_id", "_hjid"]),
    st.sampled_from(["cookie_consent", "theme", "lang", "NEXT_LOCALE", "tz", "currency"]),
    st.sampled_from(["sessionid", "connect.sid", "_app_session", "auth_token", "remember_user_token"]),
    st.integers(0, 2**32),
)
def test_only_the_session_cookie_of_a_header_goes(
    analytics: str, preference: str, session: str, seed: int
) -> None:
    """In a Cookie header, analytics ids and preferences stay; the session cookie beside them goes."""
    rng = random.Random(seed)
    analytics_value = f"GA1.1.{rng.randint(10**8, 10**9)}.{rng.randint(10**9, 2 * 10**9)}"
    preference_value = rng.choice(["accepted", "dark", "en-GB", "Europe/Berlin", "EUR"])
    secret = rs.body(rng, 32)
    pairs = [f"{analytics}={analytics_value}", f"{preference}={preference_value}", f"{session}={secret}"]
    rng.shuffle(pairs)
    header = "Cookie: " + "; ".join(pairs)

    for form in rs.forms(header):
        redacted = redact_text(form)
        assert secret not in redacted
        assert analytics_value in redacted and f"{preference}={preference_value}" in redacted


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("hashed_secret", None),
        ("token_sha256", None),
        ("password_md5", None),
        ("hashedPassword", None),
        ("authMechanism", None),
        ("db_password2", "password"),
        ("API_KEY_2", "api_key"),
    ],
)
def test_names_of_hashes_of_secrets(name: str, expected: str | None) -> None:
    """A name that says its value is a hash of a secret is not secret; a number ending a name is skipped."""
    assert secret_name_kind(name) == expected


# ------------------------------------------------------------------------------------------------
# Missed on the third corpus written blind to the rules (issue 15): each line stands for a family.

_FRESH_CAUGHT = [
    # a secret name's own JSON object, or an object marked sensitive (`terraform output -json`)
    '{{\n  "db_password": {{"sensitive": true, "type": "string", "value": "{v}"}}\n}}',
    '{{"out": {{"sensitive": true, "type": "string", "value": "{v}"}}}}',
    # SQL password clauses of every dialect
    "CREATE LOGIN [etl] WITH PASSWORD = N'{v}', CHECK_POLICY = ON;",
    "ALTER USER scott IDENTIFIED BY {v};",
    "SET PASSWORD FOR 'bob'@'%' = PASSWORD('{v}');",
    # cloud CLIs' listings of keys and tokens, as a table or JSON
    "$ az storage account keys list -n acme -o table\nKeyName    Permissions    Value\n"
    "---------  -------------  -----\nkey1       FULL           {v}\n$ echo done",
    '$ az cognitiveservices account keys list -n x -g y\n{{\n  "key1": "{h}",\n  "key2": "{h}"\n}}',
    "$ fly tokens create deploy -a acme-api\nFlyV1 fm2_{v}{v},fm2_{v}",
    "$ vault token create -policy=ci\nKey      Value\n---      -----\ntoken    {v}\ntoken_duration 768h",
    # names: a password after any words, Consul's SecretID, Snyk's `api`
    '{{\n  "DB_URL_PASSWORD": "{v}"\n}}',
    "AccessorID:       {u}\nSecretID:         {v}\nDescription:      ci",
    '{{"api": "{u}", "org": "acme"}}',
    # Kubernetes Secrets and name/value lists inside agent logs (escaped once or twice)
    "apiVersion: v1\nkind: Secret\ntype: kubernetes.io/dockerconfigjson\ndata:\n  .dockerconfigjson: {v}\n",
    "variables:\n  - name: sonarToken\n    value: {v}\nsteps:\n  - script: make",
    # a credential file printed: every line of one word after it
    "$ cat ~/.vault_pass.txt\n{v}\n$ ansible-playbook site.yml --vault-password-file ~/.vault_pass.txt",
    "$ cat /etc/openvpn/auth.txt\nci-bot\n{v}",
    "PS> Get-Content C:\\secrets\\api_token.txt\n{v}",
    # secrets given to CLIs as positional arguments, switches or on standard input
    "$ cloudflared service install {v}",
    "C:\\> cmdkey /generic:TERMSRV/host /user:ACME\\bob /pass:{v}",
    "$ poetry config http-basic.acme deploy {v}",
    "$ composer config --global http-basic.repo.example.org deploy {v}",
    '$ echo "{v}" | npx wrangler secret put CF_API_TOKEN',
    "$ printf '%s' '{v}' | docker secret create db_password -",
    # a type between the name and the literal; a Go struct printed with %+v
    'const CLOUDFLARE_API_TOKEN: &str = "{v}";',
    'val apiKey: String = "{v}"',
    "main.mustConnect({{Host:db.internal User:app Password:{v} DB:orders}})",
    "&{{Host:db User:app Password:{v}}}",
    # a webhook's whole credential part; a key named after a qualifier
    "https://acme.webhook.office.com/webhookb2/{u}@{u}/IncomingWebhook/{h}/{u}/V2{v}",
    "https://cloudflare.example.org/v1/export?format=csv&cloudflare_global_key={v}",
    # prose: abbreviations, backticks, a qualifier word before `key`
    "Logged into psql as app (pw `{v}`) and confirmed the `orders` table has the new index.",
    "Here are the credentials:\n- user: ops@example.org\n- password: [REDACTED:password]\n- API key: {h}",
    "MYSQL_PW={v}",
    # braced ODBC values; a generated `key =` in an INI section (rclone); dashes glued or quoted
    "Driver={{ODBC Driver 18}};Server=tcp:db,1433;Uid=root;Pwd={{{v};x}}}}y}};Encrypt=yes",
    "[b2]\ntype = b2\naccount = 0012ab34cd\nkey = K005{h}Zq9A",
    "$ mysql -h db -u app -p-{v} orders",
    "$ sshpass -p '-{v}' ssh admin@10.0.0.5 uptime",
    "client.run('{v}')",
]


@pytest.mark.parametrize("template", _FRESH_CAUGHT)
def test_kinds_found_by_the_fresh_corpus_never_survive(template: str) -> None:
    """Sensitive JSON objects, SQL clauses, key listings, printed credential files and the rest go,
    as they are and JSON-escaped once or twice."""
    value = _body(12) + "-" + _body(6)
    hexes = "".join(RNG.choice(rs.HEX) for _ in range(32))
    uuid = "-".join("".join(RNG.choice(rs.HEX) for _ in range(n)) for n in (8, 4, 4, 4, 12))
    text = template.format(v=value, h=hexes, u=uuid)
    secret = uuid if "{u}" in template and "{v}" not in template else value
    secret = hexes if "{h}" in template and "{v}" not in template else secret

    for form in (text, json.dumps({"content": text}), json.dumps({"raw": json.dumps({"out": text})})):
        assert secret not in redact_text(form), form


_FRESH_LEFT_ALONE = [
    "$ vault token create -policy=ci\nKey      Value\n---      -----\ntoken_accessor    {v}",
    " \u203a   Use heroku authorizations:create to generate a long-term token\n{u}",
    "$ az storage account keys list -n acme -o table\nKeyName    Permissions    Value\n$ git log -1\n{v}",
    "$ cat /etc/passwd\nroot:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin",
    "let timeout: Int = 30\nconst PASSWORD_MIN: usize = 12;",
    "[INFO] +- org.acme:password-policy:jar:1.0:compile",
    "{{Host:db User:app PasswordSet:true DB:orders}}",
    "<TeamCard key={{team.id}} team={{team}} />",
    "Cache restored from key: Linux-node-{v}",
    "SSH key: ssh-ed25519 AAAAC3NzaC1lZDI1NTE5 user@host",
    "      - key: X-Request-Id\n        value: abc",
]


@pytest.mark.parametrize("template", _FRESH_LEFT_ALONE)
def test_what_the_fresh_corpus_leaves_alone_survives(template: str) -> None:
    """Accessors and ids in a listing, prose naming a listing command, and output after the next
    prompt stay byte for byte."""
    uuid = "-".join("".join(RNG.choice(rs.HEX) for _ in range(n)) for n in (8, 4, 4, 4, 12))
    text = template.format(v=_body(24), u=uuid)

    for form in (text, json.dumps({"content": text}), json.dumps({"raw": json.dumps({"out": text})})):
        assert redact_text(form) == form


def test_provider_token_formats_from_the_fresh_corpus_never_survive() -> None:
    """LaunchDarkly SDK, mobile and API keys and Airtable personal access tokens go by their format."""
    uuid = "-".join("".join(RNG.choice(rs.HEX) for _ in range(n)) for n in (8, 4, 4, 4, 12))
    airtable = "pat" + _body(14) + "." + "".join(RNG.choice(rs.HEX) for _ in range(64))
    for secret in ("sdk-" + uuid, "mob-" + uuid, "api-" + uuid, airtable):
        for text in (f'ldclient.LDClient(Config("{secret}"))', f"export AIRTABLE={secret}", secret):
            assert secret[4:] not in redact_text(text), text


def test_a_putty_key_file_goes_whole() -> None:
    """A PuTTY private key file goes from its first line to its Private-MAC, also cut short or escaped."""
    private = _body(64)
    mac = "".join(RNG.choice(rs.HEX) for _ in range(64))
    ppk = (
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: deploy\nPublic-Lines: 2\n"
        f"AAAAC3NzaC1lZDI1NTE5{_body(30)}\n{_body(20)}\nPrivate-Lines: 1\n{private}\nPrivate-MAC: {mac}\n"
    )
    cut = ppk.split("Private-MAC")[0]
    for text in (ppk, cut, json.dumps({"content": ppk}), json.dumps({"raw": json.dumps({"out": ppk})})):
        redacted = redact_text(text)
        assert private not in redacted and mac not in redacted, text
        assert "[REDACTED:private_key]" in redacted


def test_a_secret_string_escaped_four_times_never_survives() -> None:
    """AWS's SecretString (JSON in a JSON string) inside a doubly escaped agent log: seven backslashes
    before each quote."""
    value = _body(12) + "-" + _body(6)
    secret_string = json.dumps({"username": "admin", "password": value})
    text = "$ aws secretsmanager get-secret-value --secret-id prod/db\n" + json.dumps(
        {"Name": "prod/db", "SecretString": secret_string}, indent=4
    )
    line = json.dumps({"payload": {"output": json.dumps({"output": text, "metadata": {"exit_code": 0}})}})

    assert value not in redact_text(line)
    assert value not in redact_text(json.dumps({"raw": line}))


# ------------------------------------------------------------------------------------------------
# Kinds the fourth blind corpus found (issue 15): each line is one family's example.

_SEED_WORDS = [
    "abandon",
    "ability",
    "absorb",
    "acid",
    "actor",
    "border",
    "canvas",
    "banner",
    "cereal",
    "aerobic",
    "bounce",
    "arena",
    "bench",
    "cabin",
    "dragon",
    "eager",
    "fabric",
    "gadget",
    "habit",
    "ivory",
    "jacket",
    "kitten",
    "ladder",
    "magnet",
    "napkin",
    "oyster",
]

_FOURTH_CAUGHT = [
    # armoured secrets that are not PEM private keys
    "<tls-auth>\n-----BEGIN OpenVPN Static key V1-----\n{h}\n{h}\n"
    "-----END OpenVPN Static key V1-----\n</tls-auth>",
    "-----BEGIN USER NKEY SEED-----\n{v}\n------END USER NKEY SEED------",
    # values nested under a secret name: Salt's pillar output, a CloudFormation parameter's default
    "db01:\n    mysql:\n        ----------\n        pass:\n            {v}\n        user:\n            root",
    "Parameters:\n  DBPassword:\n    Type: String\n    NoEcho: true\n    Default: {v}\nResources: {{}}",
    # XML: an element with attributes, a plist key, an element named by its attribute
    '<Server>\n  <User>ops</User>\n  <Pass encoding="base64">{v}</Pass>\n</Server>',
    "<dict>\n\t<key>BackendClientSecret</key>\n\t<string>{v}</string>\n</dict>",
    '<resources>\n  <string name="maps_api_key">{v}</string>\n</resources>',
    '<entry key="db.password">{v}</entry>',
    # keys and salts no table names, holding a generated value; a dotted setting
    "receivers:\n  - pagerduty_configs:\n      - routing_key: {h}",
    "push:\n  server_key: {v}",
    "define( 'LOGGED_IN_KEY',    '{v}' );\ndefine( 'NONCE_SALT',    '{v}' );",
    'play.http.secret.key = "{h}"',
    # functions named for a credential, cookie setters, database drivers
    'client.get(url)\n    .bearer_auth("{v}")\n    .send()',
    's.cookies.set("_session_id", "{h}", domain="acme.io")',
    'driver.add_cookie({{"name": "sessionid", "value": "{v}"}})',
    "my $dbh = DBI->connect(\n    'dbi:Pg:dbname=billing',\n    'grafana',\n    '{v}',\n"
    "    {{ RaiseError => 1 }},\n);",
    '$pdo = new PDO("mysql:host=db;dbname=shop", "shop", "{v}");',
    # Oracle connect strings
    "jdbc:oracle:thin:scott/{v}@//db.internal:1521/ORCLPDB1",
    "$ expdp system/{v}@ORCL directory=dump",
    # client password options and positional credentials
    "$ cqlsh cassandra-0 9042 -u ops -p '{v}' --ssl",
    "C:\\Users\\build> net use Z: \\\\fs01\\builds {v} /user:CORP\\svc-build /persistent:no",
    "C:\\> net user deploy {v} /add",
    'PS> $pw = ConvertTo-SecureString "{v}" -AsPlainText -Force',
    "$Password = ConvertTo-SecureString -String '{v}' -AsPlainText -Force",
    "$ cargo login {v}\n       Login token for `crates.io` saved",
    "$ ngrok config add-authtoken {v}",
    "$ codecov -t {v}",
    # protocol transcripts and credential files
    "C: AUTH LOGIN\nS: 334 VXNlcm5hbWU6\nC: ZGVwbG95\nS: 334 UGFzc3dvcmQ6\nC: {b}\nS: 235 ok",
    "     4\u2192S: 334 UGFzc3dvcmQ6\n     5\u2192C: {b}\n     6\u2192S: 235 ok",
    "$ cat ~/.erlang.cookie; echo\n{u}",
    '203.0.113.7 %any : PSK "{v}"\nroadwarrior : EAP "{v}"\ncarol : XAUTH {v}',
    # values whose format says what they hold: Elasticsearch's encoded key, a seed phrase
    '{{"id":"k1","name":"ingest","api_key":"[REDACTED:api_key]","encoded":"{e}"}}',
    "Recovery phrase: {m}. The address is 0x{h}.",
    # a CSV file's secret-named column
    "service,owner,key\nbilling,ops@example.org,{h}\nnews,ops@example.org,{v}",
    "user,password,role\nalice,{v},admin\nbob,{v},viewer",
    # defaults in code: a Ruby block, Gradle's quoted string in a string
    'api_key = ENV.fetch("STRIPE_API_KEY") {{ "{v}" }}',
    'buildConfigField("String", "MAPS_API_KEY", "\\"{v}\\"")',
    'resValue "string", "google_api_key", "{v}"',
    # Terraform state's random_password; Honeycomb's key in a header named for the team
    '{{"type": "random_password", "instances": [{{"attributes": {{"id": "none", "result": "{v}"}}}}]}}',
    "OTEL_EXPORTER_OTLP_HEADERS=x-honeycomb-team={v}",
]


@pytest.mark.parametrize("template", _FOURTH_CAUGHT)
def test_kinds_found_by_the_fourth_corpus_never_survive(template: str) -> None:
    """Armoured keys, nested values, XML, generated keys, calls, connect strings and client
    credentials go, as they are and JSON-escaped once or twice."""
    value = _body(12) + "-" + _body(6)
    hexes = "".join(RNG.choice(rs.HEX) for _ in range(32))
    encoded = base64.b64encode(f"{_body(20)}:{value}".encode()).decode()
    upper = "".join(RNG.choice(string.ascii_uppercase) for _ in range(20))
    phrase = " ".join(RNG.sample(_SEED_WORDS, 12))
    fills = {"v": value, "h": hexes, "b": base64.b64encode(value.encode()).decode(), "e": encoded}
    fills |= {"u": upper, "m": phrase}
    text = template.format(**fills)
    used = [key for key in ("v", "b", "e", "u", "m", "h") if "{" + key + "}" in template]
    secret = fills[used[0]]

    for form in (text, json.dumps({"content": text}), json.dumps({"raw": json.dumps({"out": text})})):
        assert secret not in redact_text(form), form


_FOURTH_LEFT_ALONE = [
    "Parameters:\n  DBPassword:\n    Type: String\n    NoEcho: true\nResources: {{}}",
    "queues:\n  - routing_key: orders.created\n    sort_key: {h}",
    '<string name="password_hint">Enter your password</string>',
    "<key>NSFaceIDUsageDescription</key>\n<string>Unlock saved tokens</string>",
    'raise AuthError("Invalid token for user")\nvalue = get_secret("prod/db-password")',
    'res.cookie("theme", "dark")\nsock.connect((host, port))',
    "net use Z: \\\\fs01\\builds /user:CORP\\svc-build /persistent:no\nnet use * /delete",
    "see https://example.com/docs/a@//b and cqlsh -u ops -p",
    "xpub: xpub661MyMwAqRbc{h}{h}\nnpub: npub16u4u59r22klerhampemukj26ydxatmphqn64xervl6ct6x9zwjec",
    "The recovery phrase is stored in the vault and never leaves the signer at any point.",
    "service,owner,key\nbilling,ops@example.org,orders.created\nnews,ops@example.org,weekly",
    "Password strength: the phrase must be long and the words must be random.",
    '{{"type": "random_string", "instances": [{{"attributes": {{"id": "abc", "result": "blue"}}}}]}}',
    'secret = ENV.fetch("SECRET_KEY_BASE") {{ raise "missing" }}',
]


@pytest.mark.parametrize("template", _FOURTH_LEFT_ALONE)
def test_what_the_fourth_corpus_rules_leave_alone_survives(template: str) -> None:
    """References, keys that index data, descriptions and prompts near the new rules stay byte for byte."""
    hexes = "".join(RNG.choice(rs.HEX) for _ in range(32))
    text = template.format(h=hexes)

    for form in (text, json.dumps({"content": text}), json.dumps({"raw": json.dumps({"out": text})})):
        assert redact_text(form) == form


@given(
    st.lists(
        st.sampled_from(["service", "owner", "email", "role", "region", "team"]), min_size=1, max_size=4
    ),
    st.sampled_from(["key", "api_key", "password", "token", "secret"]),
    st.integers(min_value=0, max_value=4),
    st.integers(min_value=1, max_value=6),
    st.booleans(),
)
def test_a_csv_column_named_for_a_secret_loses_every_value(
    others: list[str], column: str, position: int, rows: int, escaped: bool
) -> None:
    """Each value in a CSV column whose header names a secret goes, at any column and row; the
    other columns stay."""
    header = [*others]
    index = min(position, len(header))
    header.insert(index, column)
    values = [_body(12) + "-" + _body(8) for _ in range(rows)]
    lines = [",".join(header)]
    for value in values:
        row = [f"{name}-{n}" for n, name in enumerate(header)]
        row[index] = value
        lines.append(",".join(row))
    text = "\n".join(lines)
    if escaped:
        text = json.dumps({"content": text})

    redacted = redact_text(text)

    assert not [value for value in values if value in redacted]
    assert all(f"{name}-{n}" in redacted for n, name in enumerate(header) if n != index)


@pytest.mark.parametrize("inner", ["PWD", "Key", "pass", "Tok"])
def test_a_generated_value_holding_a_keyword_is_no_name(inner: str) -> None:
    """A generated password that happens to hold a keyword between random letters and digits
    (`Ig8Chdg7PWDv-…`) is a value, not the name of a secret: a secret column's cell and an
    assignment lose it, also where other rows follow."""
    rng = random.Random(inner)
    upper = string.ascii_uppercase
    value = (
        rng.choice(upper) + rng.choice(string.ascii_lowercase) + "8" + "Chdg" + "7" + inner + "v-"
        + "".join(rng.choice(upper) for _ in range(3)) + "7"
        + "".join(rng.choice(upper) for _ in range(2)) + "Jd"
    )  # fmt: skip
    text = f"region,secret\nregion-0,{value}\nregion-1,{value[::-1]}"
    redacted = redact_text(text)
    assert value not in redacted and value[::-1] not in redacted
    assert "region-0," in redacted and "region-1," in redacted
    assert value not in redact_text(json.dumps({"content": text}))


@given(st.integers(min_value=0, max_value=2**32))
def test_a_base64_key_starting_with_a_slash_and_holding_no_digit_goes(seed: int) -> None:
    """A 32-byte key in base64 starts with `/` once in 64 times and holds no digit once in some
    thousands (`/QNUdt/uZvF…dGY=`): padded, it is base64, not a path; a path stays."""
    rng = random.Random(seed)
    letters = string.ascii_letters
    key = "/" + "".join(rng.choice(letters + "/") for _ in range(41)) + rng.choice(letters) + "="
    for text in (f"api_key={key}", f"IOTHUB_DEVICE_PRIMARY_KEY={key}", json.dumps({"api_key": key})):
        assert key not in redact_text(text), text
    path = "/var/lib/app/uploads/" + "".join(rng.choice(string.ascii_lowercase) for _ in range(24))
    assert redact_text(f"upload_path={path}") == f"upload_path={path}"


def test_every_pattern_of_the_engine_compiles() -> None:
    """Each pattern the redactor's modules use compiles: they are compiled on first use, so a broken one
    would fail only on the rare text that reaches it."""
    import importlib
    import inspect
    import pkgutil

    import autopilot.plugins.redact as package
    from autopilot.plugins.redact.compiled import _rx

    checked = 0
    for info in pkgutil.iter_modules(package.__path__):
        module = importlib.import_module(f"{package.__name__}.{info.name}")
        for name in sorted(set(re.findall(r"_rx\[(_[A-Z0-9_]+)\]", inspect.getsource(module))) - {"_NAME"}):
            assert isinstance(_rx[getattr(module, name)], re.Pattern), f"{info.name}.{name}"
            checked += 1
    assert checked > 300


def test_the_word_start_token_anchors_split_in_two_searches_find_what_one_would() -> None:
    """The token anchors that must start a word are searched in two searches (two bytes, longer): where
    anchors of both overlap, after any byte before them, the candidates kept (at a word's start, or after
    an escape or a colour) are those of one search over them all."""
    import itertools

    from ahocorasick_rs import MATCHKIND_LEFTMOST_FIRST, BytesAhoCorasick

    from autopilot.plugins.redact import rules
    from autopilot.plugins.redact.compiled import _RUN_TABLE
    from autopilot.plugins.redact.formats import _token_searches

    _, apart = _token_searches()
    anchors = list(
        dict.fromkeys(a.encode() for token in rules.TOKEN_FORMATS if token.apart for a in token.anchors)
    )
    assert sorted(anchors) == sorted(anchor for group, _ in apart for anchor in group)
    one = BytesAhoCorasick(anchors, matchkind=MATCHKIND_LEFTMOST_FIRST).find_matches_as_indexes

    def kept(data: bytes, hits: list[tuple[int, bytes]]) -> list[tuple[int, bytes]]:
        runs = data.translate(_RUN_TABLE)
        return sorted(
            (start, anchor)
            for start, anchor in hits
            if not start
            or runs[start - 1] != 0x61
            or runs[start] != 0x61
            or data[start - 2] == 0x5C
            or data[start - 1] == 0x6D
        )

    checked = apart_only = 0
    for first, second in itertools.product(anchors, repeat=2):
        for offset in range(len(first) + 1):
            if first[offset : offset + len(second)] != second[: len(first) - offset]:
                continue  # (the second does not start there)
            for before in (b"", b" ", b"x", b"\\", b"m", b"\x1b[1m"):
                data = before + first[:offset] + second + b" "
                split = [(start, group[index]) for group, find in apart for index, start, _ in find(data)]
                whole = [(start, anchors[index]) for index, start, _ in one(data)]
                assert kept(data, split) == kept(data, whole), data
                checked += 1
                apart_only += sorted(split) != sorted(whole)
    assert checked > 1000
    assert apart_only  # (`2/` inside `oy2/`: found apart, dropped as inside a word)


@pytest.mark.parametrize("mark", ["# pragma: allowlist secret", "// gitleaks:allow", "# autopilot:allow"])
def test_a_line_marked_as_holding_no_real_secret_is_left_as_it_is(mark: str) -> None:
    """A fixture's fake key marked as secret scanners take it stays, in a file and in an agent's log;
    the line below it, unmarked, still loses its secret."""
    fake, real = "sk-" + "proj-" + _body(40), "gh" + "p_" + _body(36)
    source = f'FAKE_KEY = "{fake}"  {mark}\nGITHUB_TOKEN = "{real}"\n'
    logged = json.dumps({"type": "tool_result", "content": source})

    for text in (source, logged):
        redacted = redact_text(text)
        assert fake in redacted and mark in redacted
        assert real not in redacted
    assert [finding.line for finding in find_secrets(source)] == [2]
