"""The built-in redactor on secrets as they sit in source, build and infrastructure code, in the
families an eleventh corpus (written blind to the rules) found missed or wrongly redacted: literals
bound to secret names in many languages' syntax, keys written as arrays of their bytes, credentials
given to calls and setters, and keys that clients carry by design (which stay)."""

from __future__ import annotations

import base64
import random
import sys
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

SEEDS = st.integers(min_value=0, max_value=2**32)


def _password(rng: random.Random) -> str:
    """A password as people make them: words, digits and a symbol."""
    words = ["Copper", "Nebula", "Walnut", "Harbor", "Saffron", "Glacier"]
    return rng.choice(words) + rng.choice("!#%*") + rng.choice(words) + str(rng.randint(10, 9999))


# -- a literal bound to a secret name, in each language's syntax ------------------------------------

BINDINGS = [
    'static NSString * const kTwitterConsumerSecret = @"{s}";',  # Objective-C
    'NSString *apiSecret = @"{s}";',
    '#define CLIENT_SECRET @"{s}"',
    'public const string ApiSecret = @"{s}";',  # C#'s verbatim string
    '    #{{name => <<"hexpm:acme">>,\n      api_key => <<"{s}">>,\n      repo_verify => true}}',  # Erlang
    '-define(API_KEY, <<"{s}">>).',
    '{{api_key, "{s}"}},',  # an Erlang or Elixir tuple
    "[{{:api_token, '{s}'}}]",
    'api_key <- "{s}"',  # R
    "API_TOKEN <<- '{s}'",
    'val headers = mapOf(\n    "X-Api-Key" to "{s}",\n    "Accept" to "application/json",\n)',  # Kotlin
    'val headers = Map("X-Api-Key" -> "{s}")',  # Scala
    'static const char API_KEY[] = "{s}";',  # C
    'constexpr char kClientSecret[] = "{s}";',
    'const wchar_t *api_token = L"{s}";',
    'let key = "{s}" in',  # OCaml
    "  static const _key = '{s}';",  # Dart
    "my $key = '{s}';",  # Perl
]


@given(template=st.sampled_from(BINDINGS), seed=SEEDS)
def test_a_literal_bound_to_a_secret_name_goes_in_any_syntax(template: str, seed: int) -> None:
    secret = rs.body(random.Random(seed), 32)
    rs.goes(template.format(s=secret), secret)


# Letters drawn at random can start with a secret's word (`pw`, `Key`, `token`): a password still,
# not the name of one, which is made of words (`db_password`, `ApiKey`).
SECRET_WORD_STARTS = ["pw", "Pw", "pwd", "pass", "Pass", "key", "Key", "token", "auth", "secret", "cred"]
NAMED_BY = [
    'password = "{s}"',
    "DB_PASSWORD={s}",
    "password: {s}",
    "01  WS-DB-PASSWORD    PIC X(16) VALUE '{s}'.",
    '{{"api_key": "{s}"}}',
]


@given(start=st.sampled_from(SECRET_WORD_STARTS), template=st.sampled_from(NAMED_BY), seed=SEEDS)
def test_random_letters_starting_with_a_secret_word_go(start: str, template: str, seed: int) -> None:
    rng = random.Random(seed)
    letters = "".join(
        rng.choice("ABCDEFGHJKLMNPQRSTUVWXZ") + rng.choice("bcdfghjkmnpqrstvwxz") for _ in range(5)
    )
    secret = start + letters
    rs.goes(template.format(s=secret), secret)


@given(
    start=st.sampled_from(["secret-", "token-", "key_", "pw-"]),
    template=st.sampled_from(NAMED_BY),
    seed=SEEDS,
)
def test_a_generated_value_of_syllables_and_digits_goes(start: str, template: str, seed: int) -> None:
    # Base62 drawn at random can read as syllables (`Revzz`, `Yfek`, `TEWTOA`): digits between
    # them, three times or more, make it generated, not a name like `sha256ToBase64String`.
    rng = random.Random(seed)
    syllables = ["Revzz", "Yfek", "TEWTOA", "Ut", "Hfu", "Dqyr", "pax", "Kom", "UG"]
    secret = start + "".join(rng.choice(syllables) + str(rng.randint(0, 99)) for _ in range(5)) + "pax"
    rs.goes(template.format(s=secret), secret[len(start) :])


@given(start=st.sampled_from(SECRET_WORD_STARTS), template=st.sampled_from(NAMED_BY), seed=SEEDS)
def test_random_letters_holding_a_secret_word_inside_go(start: str, template: str, seed: int) -> None:
    # letters drawn at random around a secret's word, in mixed case and with vowels, are spelled as
    # no name is: two runs of capitals (`QOB…BMWa`), or a word no language spells (`…Dwjpqun`)
    rng = random.Random(seed)
    upper, lower = "ABCDEFGHJKLMNPQRSTUVWXZ", "abcdefghijkmnopqrstuvwxz"
    draw = lambda alphabet, n: "".join(rng.choice(alphabet) for _ in range(n))  # noqa: E731
    for secret in (
        draw(upper, 3) + start.capitalize() + draw(lower, 2) + draw(upper, 3) + draw(lower, 1),
        draw(upper, 2) + start + rng.choice(upper) + draw("bcdfghjkmnpqrstvwxz", 5) + draw("aeiou", 2),
    ):
        rs.goes(template.format(s=secret), secret)


@given(template=st.sampled_from(NAMED_BY))
def test_a_value_made_of_words_naming_a_secret_stays(template: str) -> None:
    for name in (
        "access_token",
        "db_password",
        "Password",
        "ApiKey",
        "secretKeyRef",
        "mavenCentralPassword",
        "__SmtpPassword__",
        "ledgerDBAuth",
        "xApiKey",
        "AWSSecretKey",
    ):
        rs.survives(template.format(s=name))


@given(
    template=st.sampled_from(
        [
            'static NSString * const kMixpanelToken = @"{h}";',  # Mixpanel's project token: public
            'static NSString * const kApiHost = @"api.example.net";',
            "api_key <- Sys.getenv('API_KEY')",
            'apiKey <- getEnv "API_KEY"',
            'val headers = mapOf("Accept" to "application/json", "X-Request-Id" to requestId)',
            '{{api_key, os:getenv("API_KEY")}},',
            'let key = Sys.getenv "API_KEY" in',
            "  static const _key = String.fromEnvironment('OWM_KEY');",
            'AMPLITUDE_API_KEY = "{h}"',
            "InstrumentationKey={u};IngestionEndpoint=https://westeurope-5.in.applicationinsights.azure.com/",
            'PUSHER_APP_KEY: "{h20}"',
        ]
    ),
    seed=SEEDS,
)
def test_a_name_holding_no_literal_or_a_key_made_for_clients_stays(template: str, seed: int) -> None:
    rng = random.Random(seed)
    hexes = "".join(rng.choice(rs.HEX) for _ in range(32))
    uuid = f"{hexes[:8]}-{hexes[8:12]}-4{hexes[13:16]}-a{hexes[17:20]}-{hexes[20:32]}"
    rs.survives(template.format(h=hexes, h20=hexes[:20], u=uuid))


def test_a_client_providers_secret_still_goes() -> None:
    secret = rs.body(random.Random(7), 32)
    rs.goes(f'AMPLITUDE_SECRET_KEY = "{secret}"', secret)
    rs.goes(f"MIXPANEL_API_SECRET={secret}", secret)


# -- a key or a password written as an array of its bytes or characters ------------------------------


def _array(rng: random.Random, secret: str, style: str) -> str:
    if style == "hex":
        return ", ".join(f"0x{byte:02x}" for byte in secret.encode())
    if style == "int":
        return ", ".join(str(byte) for byte in secret.encode())
    return ", ".join(f"'{char}'" for char in secret)


ARRAYS = [
    ("private val KEY = byteArrayOf({a})", "hex"),  # Kotlin
    ("private static readonly byte[] Key = new byte[] {{ {a} }};", "hex"),  # C#
    ("static const char kLicenseKey[] = {{ {a}, '\\0' }};", "char"),  # C, Objective-C
    ("private static final char[] STORE_PASSWORD = {{ {a} }};", "char"),  # Java
    ("PAYLOAD_SIGNING_KEY = bytes([{a}])", "int"),  # Python
    ("var signingKey = []byte{{{a}}}", "hex"),  # Go
    ("static HMAC_KEY: [u8; 16] = [{a}];", "hex"),  # Rust
    ("uint8_t aes_key[16] = {{\n  {a}\n}};", "hex"),  # C, one line per group of bytes
    ("const HMAC_KEY = new Uint8Array([{a}]);", "int"),  # JavaScript
]


@given(case=st.sampled_from(ARRAYS), seed=SEEDS)
def test_a_key_written_as_its_bytes_or_characters_goes(case: tuple[str, str], seed: int) -> None:
    template, style = case
    rng = random.Random(seed)
    secret = rs.body(rng, 16)
    text = template.format(a=_array(rng, secret, style))
    for form in rs.forms(text):
        from autopilot.plugins.redact.engine import redact_text

        out = redact_text(form)
        # no run of four of its bytes is left
        elements = _array(rng, secret, style).split(", ")
        assert not any(", ".join(elements[i : i + 4]) in out for i in range(len(elements) - 3)), out


@given(
    template=st.sampled_from(
        [
            "constexpr std::array<uint8_t, 16> kBundleXor = {{{a}}};",  # no secret name
            "static const uint8_t kPublicKey[16] = {{ {a} }};",  # a public key
            "sort_key = [{a}]",
            "char password[64] = {{0}};",  # a zeroed buffer
            "char password[8] = {{0, 0, 0, 0, 0, 0, 0, 0}};",
            "private val KEY_SIZES = intArrayOf(16, 24, 32)",
        ]
    ),
    seed=SEEDS,
)
def test_an_array_of_bytes_that_is_no_secret_stays(template: str, seed: int) -> None:
    rng = random.Random(seed)
    rs.survives(template.format(a=_array(rng, rs.body(rng, 16), "hex")))


# -- a credential given to a call or a setter ---------------------------------------------------------

CALLS = [
    'curl_easy_setopt(curl, CURLOPT_USERPWD, "admin:{p}");',  # libcurl, after its handle
    'curl_setopt($ch, CURLOPT_PASSWORD, "{p}");',  # PHP
    'props.setProperty("mail.smtp.password", "{p}");',  # a dotted setting's name
    'System.setProperty("javax.net.ssl.keyStorePassword", "{p}");',
    '    property "sonar.token", "{s}"',  # Gradle's Groovy DSL, no parentheses
    "conn = database('orders_lab', 'labuser', '{p}', ...",  # MATLAB
    "f = ftp('ftp.example.com', 'labdata', '{p}');",
    'ftp = FTP("ftp.example.com", "deploy", "{p}")',  # Python's ftplib
    '  authenticate("analytics", "{p}", type = "basic"),',  # R's httr
    '    useInMemoryPgpKeys("2878550F", signingKey, "{p}")',  # Gradle's signing
    "  ('root@example.io', crypt('{p}', gen_salt('bf', 12)));",  # pgcrypto
    'val mac = SecretKeySpec("{s}".toByteArray(), "HmacSHA256")',  # Kotlin, Java
    'new SecretKeySpec("{s}".getBytes(StandardCharsets.UTF_8), "HmacSHA256");',
    'mysql_real_connect(conn, "localhost", "root", "{p}", "shop", 0, NULL, 0);',  # C
    'PGconn *c = PQsetdbLogin("db", "5432", NULL, NULL, "shop", "app", "{p}");',
    'ldap_simple_bind_s(ld, "cn=admin,dc=example,dc=org", "{p}");',
    '  Credentials("Sonatype Nexus Repository Manager", "s01.oss.sonatype.org", "deployer", "{p}")',
    '[self setApiKey:@"{s}"];',  # Objective-C
]


@given(template=st.sampled_from(CALLS), seed=SEEDS)
def test_a_credential_given_to_a_call_or_a_setter_goes(template: str, seed: int) -> None:
    rng = random.Random(seed)
    secret, password = rs.body(rng, 32), _password(rng)
    text = template.format(s=secret, p=password)
    rs.goes(text, secret if "{s}" in template else password)


@given(
    template=st.sampled_from(
        [
            'Credentials("Sonatype Nexus Repository Manager", "s01.oss.sonatype.org", '
            'sys.env("SONATYPE_USERNAME"), pw)',
            'f = open("data.txt", "r", "utf-8")',
            'codecs.open("notes.txt", "r", "latin-1")',
            "conn = database('orders_lab', getenv('DB_USER'), getenv('DB_PASSWORD'));",
            'curl_easy_setopt(curl, CURLOPT_URL, "https://artifacts.example.io/upload/firmware.bin");',
            'curl_easy_setopt(curl, CURLOPT_USERAGENT, "libcurl-agent/1.0");',
            'ds.setPassword(System.getenv("DB_PASSWORD"));',
            'authenticate("analytics", Sys.getenv("ARTIFACTORY_PASSWORD"), type = "basic")',
            "crypt($password, gen_salt('bf'))",
            "- obvious patterns such as `Password1`, `Welcome123` or `<Season><Year>!` are rejected.",
        ]
    )
)
def test_a_call_given_no_credential_literal_stays(template: str) -> None:
    rs.survives(template)


# -- what code holds that looks like a secret and is none ---------------------------------------------


@given(seed=SEEDS)
def test_hashes_verifiers_patterns_and_references_stay(seed: int) -> None:
    rng = random.Random(seed)
    b64 = lambda n: rs.body(rng, n, rs.B64)  # noqa: E731
    hexes = "".join(rng.choice(rs.HEX) for _ in range(40))
    for text in (
        # a database's verifiers of a password, as pg_dumpall and SHOW CREATE USER print them
        f"ALTER ROLE app WITH LOGIN PASSWORD 'SCRAM-SHA-256$4096:{b64(22)}==${b64(43)}=:{b64(43)}=';",
        f"ALTER ROLE app WITH PASSWORD 'md5{hexes[:32]}';",
        f"CREATE USER 'app'@'%' IDENTIFIED WITH mysql_native_password AS '*{hexes.upper()}';",
        # a pattern that finds keys, not a key
        'public static final Pattern PRIVATE_KEY = Pattern.compile("-----BEGIN (RSA |EC |OPENSSH )?PRIVATE'
        ' KEY-----");',
        # a Terraform data source naming a secret in its store
        'data "aws_secretsmanager_secret_version" "stripe" {\n  secret_id = "orders/prod/stripe"\n}',
        # RevenueCat's public SDK key, made to be built into an app
        f'      "revenueCatIosKey": "appl_{rs.body(rng, 27)}",',
        # a documented local default: the password is the user (as in `postgres:postgres@localhost`)
        "referenceUrl: jdbc:postgresql://localhost:5432/app_ref?user=postgres&password=postgres",
        "POSTGRES_PASSWORD: postgres",
        "MINIO_ROOT_USER=minioadmin MINIO_ROOT_PASSWORD=minioadmin",
        # Yesod's environment lookups with a default of words
        'password: "_env:YESOD_PGPASS:yesodpass"',
        # parameter expansions whose default is a word, a reference or a path, or that have none
        "      POSTGRES_PASSWORD: ${POSTGRES_PASSWORD:-postgres}",
        "      REDIS_PASSWORD: ${REDIS_PASSWORD:?set it in .env}",
        "      API_KEY: ${API_KEY:-${DEFAULT_API_KEY}}",
        "      GITHUB_TOKEN: ${GITHUB_TOKEN:-$GH_TOKEN}",
        "      TOKEN_FILE: ${TOKEN_FILE:-/run/secrets/token}",
        # salts a framework keeps in its committed configuration
        f'config :app, AppWeb.Endpoint, live_view: [signing_salt: "{rs.body(rng, 8)}"]',
        f'  plug Plug.Session, store: :cookie, key: "_app_key", signing_salt: "{rs.body(rng, 8)}"',
    ):
        rs.survives(text)


@given(seed=SEEDS)
def test_their_secret_look_alikes_still_go(seed: int) -> None:
    rng = random.Random(seed)
    secret = rs.body(rng, 24)
    uuid = f"{rs.body(rng, 8, rs.HEX)}-4abc-8def-0123-{rs.body(rng, 12, rs.HEX)}"
    for text, gone in (
        (f"ALTER ROLE app WITH LOGIN PASSWORD '{secret}';", secret),
        (f'secret_id = "{uuid}"', uuid),  # Vault AppRole's secret_id is the credential
        (f"jdbc:postgresql://db:5432/app?user=app&password={secret}", secret),
        (f'password: "_env:PGPASS:{secret}"', secret),
        (f"define( 'NONCE_SALT', '{secret}' );", secret),
        (f"POSTGRES_PASSWORD: {secret}", secret),
        # the default of a parameter expansion is a literal (Compose files, shell scripts)
        (f"      POSTGRES_PASSWORD: ${{POSTGRES_PASSWORD:-{secret}}}", secret),
        (f'export API_TOKEN="${{API_TOKEN:={secret}}}"', secret),
        (f"DATABASE_URL=postgres://app:${{DB_PASS:-{secret}}}@db:5432/app", secret),
    ):
        rs.goes(text, gone)


# -- a secret written as string literals joined across lines -------------------------------------------

JOINED = [
    'private static final String TOKEN = "{a}"\n        + "{b}"\n        + "{c}";',  # Java, Kotlin, C#
    'API_KEY = ("{a}"\n           "{b}"\n           "{c}")',  # Python's adjacent literals
    'const char *api_token = "{a}"\n                        "{b}"\n                        "{c}";',  # C
    'local api_key = "{a}" ..\n  "{b}" ..\n  "{c}"',  # Lua
    'Const ApiKey As String = "{a}" & _\n    "{b}" & _\n    "{c}"',  # Visual Basic
    "$api_key = '{a}' .\n    '{b}' .\n    '{c}';",  # PHP, Perl
]


@given(template=st.sampled_from(JOINED), seed=SEEDS)
def test_every_piece_of_a_secret_joined_across_lines_goes(template: str, seed: int) -> None:
    rng = random.Random(seed)
    pieces = [rs.body(rng, 14) for _ in range(3)]
    text = template.format(a=pieces[0], b=pieces[1], c=pieces[2])
    for piece in pieces:
        rs.goes(text, piece)


@given(seed=SEEDS)
def test_a_signed_urls_signature_in_a_later_piece_goes(seed: int) -> None:
    rng = random.Random(seed)
    signature = "".join(rng.choice(rs.HEX) for _ in range(64))
    key_id, _ = rs.FORMAT_SECRETS["aws_key_id"](rng)
    text = (
        '    url = ("https://exports.s3.eu-west-1.amazonaws.com/reports/2026-01-05.csv"\n'
        '           "?X-Amz-Algorithm=AWS4-HMAC-SHA256"\n'
        f'           "&X-Amz-Credential={key_id}%2F20260105%2Feu-west-1%2Fs3%2Faws4_request"\n'
        '           "&X-Amz-SignedHeaders=host"\n'
        f'           "&X-Amz-Signature={signature}")\n'
    )
    rs.goes(text, signature)
    google = (
        'SIGNED = (\n  "https://storage.googleapis.com/b/x.jpg?X-Goog-Algorithm=GOOG4-RSA-SHA256"\n'
        '  "&X-Goog-Credential=uploader%40acme.iam.gserviceaccount.com%2F20260105%2Fauto%2Fstorage"\n'
        f'  "&X-Goog-Signature={signature}"\n)'
    )
    rs.goes(google, signature)


@given(
    case=st.sampled_from(
        [
            ('password = "{p}" + user_suffix', "user_suffix"),  # joined with code, not a literal
            ('"DefaultPassword"="{p}"\n"DefaultDomainName"="CORP"', '"DefaultDomainName"="CORP"'),
            ('resp = requests.get(url, auth=("admin", "{p}"), timeout=10)', '("admin", '),  # a tuple
            ('url = ("https://example.com/reports/x.csv"\n       "?format=csv")', '"?format=csv"'),
        ]
    ),
    seed=SEEDS,
)
def test_what_follows_a_literal_that_is_no_piece_of_it_stays(case: tuple[str, str], seed: int) -> None:
    from autopilot.plugins.redact.engine import redact_text

    template, kept = case
    text = template.format(p=_password(random.Random(seed)))
    assert kept in redact_text(text)


# -- more bindings: Terraform's variables, CMake's set(), passwords that look like attributes -----------


@given(seed=SEEDS)
def test_terraform_variables_default_and_cmake_set_go(seed: int) -> None:
    rng = random.Random(seed)
    secret, password = rs.body(rng, 32, rs.HEX), _password(rng)
    rs.goes(
        f'variable "db_password" {{\n  description = "Master password"\n  type = string\n'
        f'  default     = "{password}"\n}}',
        password,
    )
    rs.goes(f'variable "db" {{\n  default = "{password}"\n  sensitive = true\n}}', password)
    rs.goes(f'set(TELEMETRY_KEY "{secret}" CACHE STRING "Telemetry ingest key")', secret)
    rs.survives('variable "region" {\n  default = "eu-west-1"\n}\nset(SIGNING_KEY_FILE "keys/release.pem")')


@given(seed=SEEDS)
def test_a_password_of_two_words_and_a_number_joined_by_a_dot_goes(seed: int) -> None:
    rng = random.Random(seed)
    words = ["Copper", "Nebula", "Otter", "Sapphire", "Forest", "Peach"]
    password = f"{rng.choice(words)}.{rng.choice(words)}{rng.randint(10, 99)}"
    rs.goes(f"POSTGRES_PASSWORD: {password}\n", password)
    rs.goes(f'LibPQ.Connection("host=db port=5432 user=app password={password} sslmode=require")', password)
    rs.survives("password: Settings.DbPassword\ntoken = self.token\n")


# -- heartbeat and ping URLs whose path is the credential ---------------------------------------------


@given(seed=SEEDS)
def test_a_ping_urls_credential_goes(seed: int) -> None:
    rng = random.Random(seed)
    hexes = "".join(rng.choice(rs.HEX) for _ in range(32))
    uuid = f"{hexes[:8]}-{hexes[8:12]}-4{hexes[13:16]}-a{hexes[17:20]}-{hexes[20:]}"
    token, short = rs.body(rng, 24), rs.body(rng, 10)
    for text, secret in (
        (f'HEALTHCHECK_URL = "https://hc-ping.com/{uuid}"', uuid),
        (f"curl -fsS https://cronitor.link/p/{hexes}/nightly-backup?state=complete", hexes),
        (f"curl https://nosnch.in/{short}", short),
        (f"https://uptime.betterstack.com/api/v1/heartbeat/{token}", token),
        (f"https://events.pagerduty.com/integration/{hexes}/enqueue", hexes),
        (f"https://oncall-prod-eu-west-0.grafana.net/oncall/integrations/v1/webhook/{token}/", token),
        (f'UPTIME_PUSH = "https://status.example.io/api/push/{short}?status=up&msg=OK"', short),
    ):
        rs.goes(text, secret)
    rs.survives("https://hc-ping.com/ and https://status.example.io/api/push/ are the endpoints")


# -- headers in pairs, tools that quote a secret, settings named for one ------------------------------

HEADER_PAIRS = [
    '[{{"x-api-key", "{s}"}}, {{"accept", "application/json"}}]',  # Elixir, Erlang
    'http:request(get, {{Url, [{{"x-api-key", "{s}"}}]}}, [], [])',
    'headers = [("X-Api-Key", "{s}")]',  # Python
    '{{"X-Api-Key", "{s}"}},',  # a C++ map's initialiser
    'client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "{s}");',  # C#
]


@given(template=st.sampled_from(HEADER_PAIRS), seed=SEEDS)
def test_a_credential_in_a_headers_pair_goes(template: str, seed: int) -> None:
    secret = rs.body(random.Random(seed), 32)
    rs.goes(template.format(s=secret), secret)


@given(seed=SEEDS)
def test_a_headers_pair_without_a_literal_stays(seed: int) -> None:
    rng = random.Random(seed)
    rs.survives('[{"x-api-key", key}, {"accept", "application/json"}]')
    rs.survives(f'headers = [("X-Request-Id", "{rs.body(rng, 8, rs.HEX)}"), ("Accept", "application/json")]')
    rs.survives('CHOICES = [("password", "Password"), ("token", "API token")]')


@given(seed=SEEDS)
def test_tools_quoting_a_secret_lose_it(seed: int) -> None:
    rng = random.Random(seed)
    secret, password = rs.body(rng, 40, rs.B64), _password(rng) + "&" + rs.body(rng, 6)
    hexes = "".join(rng.choice(rs.HEX) for _ in range(40))
    for text, gone in (
        # eslint-plugin-no-secrets
        (f'  12:18  error  Found a string with entropy 4.87 : "{secret}"  no-secrets/no-secrets', secret),
        (f'  14:7  error  Found a string that matches "AWS Key" : "{secret}"  no-secrets/no-secrets', secret),
        # shellcheck quoting a line whose password holds an ampersand
        (f"In deploy.sh line 18:\ncurl -u admin:{password} https://nexus.example.io/v1/x\n", password),
        # SonarQube's token under its older name
        (f'        property "sonar.login", "{hexes}"', hexes),
        (f"mvn sonar:sonar -Dsonar.login={hexes}", hexes),
        # COBOL's working storage
        (f"01  WS-DB-PASSWORD    PIC X(16) VALUE '{secret[:12]}'.", secret[:12]),
    ):
        rs.goes(text, gone)
    rs.survives('  15:7   error  Found a string that matches "Stripe" : "pk_live_' + rs.body(rng, 24) + '"')
    rs.survives("sonar.login=admin\nmvn sonar:sonar -Dsonar.login=${SONAR_TOKEN}\n")
    rs.survives("make build& wait\ncurl -fsS https://example.io/health && echo ok\n")


# -- functions named for a credential that return a literal; compilers quoting one ---------------------

GETTERS = [
    'fun apiKey() = "{s}"',  # Kotlin
    'override fun apiKey(): String = "{s}"',
    'func apiKey() -> String {{ "{s}" }}',  # Swift
    'func apiKey() -> String {{ return "{s}" }}',
    'public String getApiKey() {{ return "{s}"; }}',  # Java, C#, JavaScript
    'get apiToken() {{ return "{s}"; }}',  # a JavaScript getter
    'def api_key, do: "{s}"',  # Elixir
    'defp api_key(), do: "{s}"',
    'api_key() -> <<"{s}">>.',  # Erlang
]


@given(template=st.sampled_from(GETTERS), seed=SEEDS)
def test_a_literal_a_function_named_for_a_secret_returns_goes(template: str, seed: int) -> None:
    secret = rs.body(random.Random(seed), 32)
    rs.goes(template.format(s=secret), secret)


@given(
    text=st.sampled_from(
        [
            'function getToken() { return "Bearer " + token; }',
            'def password(), do: System.get_env("PASSWORD")',
            "fun apiKey(): String = BuildConfig.API_KEY",
            'func apiKey() -> String { ProcessInfo.processInfo.environment["API_KEY"] ?? "" }',
            'validatePassword(pw) { return "Password must be at least 12 characters"; }',
            '[token: "x", do: "y"]',
        ]
    )
)
def test_a_function_returning_no_literal_secret_stays(text: str) -> None:
    rs.survives(text)


@given(seed=SEEDS)
def test_a_compiler_quoting_a_generated_constant_loses_it(seed: int) -> None:
    rng = random.Random(seed)
    secret = base64.b64encode(rng.randbytes(32)).decode()  # a key as Go code holds it
    line = f'internal/auth/jwt.go:357:14: cannot use "{secret}" (untyped string constant) as []byte value'
    rs.goes(line, secret)
    rs.survives('main.go:3:9: cannot use "hello world" (untyped string constant) as int value in return')
    password = _password(rng)
    rs.goes(f'let db = open("db.internal", "deploy", "{password}", "billing")', password)  # Nim
    rs.survives('f = open("data.txt", "r", "utf-8")\ncodecs.open("notes.txt", "r", "latin-1")')
    secret = rs.body(rng, 32)
    rs.goes(f"pulumi config set --stack prod --secret apiKey {secret}", secret)
    rs.survives("pulumi config set aws:region eu-west-1\npulumi config set --secret apiKey $(cat key.txt)")
