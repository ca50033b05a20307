"""The built-in redactor in observability, on-call and incident response (the twenty-third corpus's
families): ingest and alert URLs whose path is the credential, on-call services' recipient keys,
pre-shared keys named in one word, what an agent's status prints; and the look-alikes of that world
that must stay."""

from __future__ import annotations

import random
import string
import sys
import uuid
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

SEEDS = st.integers(min_value=0, max_value=2**32)
LOWER = string.ascii_lowercase + string.digits
UPPER = string.ascii_uppercase + string.digits


@given(
    layout=st.sampled_from(
        [
            "https://endpoint{n}.collection.us2.sumologic.com/receiver/v1/http/{t}",
            "curl -X POST -T - https://collectors.sumologic.com/receiver/v1/http/{t}",
            "endpoint: https://endpoint{n}.collection.eu.sumologic.com/receiver/v1/otlp/{t}/v1/traces",
            'url = "https://endpoint{n}.collection.sumologic.com/receiver/v1/prometheus/{t}"',
        ]
    ),
    seed=SEEDS,
)
def test_a_sumo_logic_source_url_loses_its_token(layout: str, seed: int) -> None:
    """A hosted collector's HTTP, OTLP or Prometheus source: the path after its kind is the token."""
    rng = random.Random(seed)
    token = rs.body(rng, rng.choice([96, 108, 120]), rs.URLSAFE) + rng.choice(["", "=="])
    rs.goes(layout.format(n=rng.randint(1, 9), t=token), token.rstrip("="))


def test_sumo_logic_urls_without_a_token_stay() -> None:
    rs.survives("https://api.sumologic.com/api/v1/collectors/108495728/sources")
    rs.survives("https://service.us2.sumologic.com/ui/#/search/create?query=_sourceCategory%3Dprod")
    rs.survives("https://endpoint4.collection.us2.sumologic.com/receiver/v1/http/${SUMO_TOKEN}")


@given(
    layout=st.sampled_from(
        [
            "https://events.pagerduty.com/integration/{k}/enqueue",
            '{{"serviceUri": "https://events.eu.pagerduty.com/integration/{k}/enqueue"}}',
            "https://events.pagerduty.com/x-ere/{k}",
        ]
    ),
    upper=st.booleans(),
    seed=SEEDS,
)
def test_a_pagerduty_integration_url_loses_its_key(layout: str, upper: bool, seed: int) -> None:
    """The integration key in the path (CloudWatch's and Azure Monitor's webhooks), 32 hex digits or a
    Global Event Routing key (`R0` and 30 capitals and digits), also on the EU service region."""
    rng = random.Random(seed)
    key = "R0" + rs.body(rng, 30, UPPER) if upper else rs.body(rng, 32, rs.HEX)
    rs.goes(layout.format(k=key), key)


@given(seed=SEEDS)
def test_an_on_call_rest_endpoint_loses_its_key(seed: int) -> None:
    """Splunk On-Call's (VictorOps) REST endpoint holds its key before the routing key; Squadcast's
    incident webhook its token."""
    rng = random.Random(seed)
    key = str(uuid.UUID(int=rng.getrandbits(128), version=4))
    rs.goes(f"https://alert.victorops.com/integrations/generic/20131114/alert/{key}/platform-team", key)
    token = rs.body(rng, 40, rs.HEX)
    rs.goes(f"webhook_url: https://api.squadcast.com/v2/incidents/api/{token}", token)


def test_on_call_urls_without_a_key_stay() -> None:
    rs.survives("https://events.pagerduty.com/v2/enqueue")
    rs.survives("https://events.pagerduty.com/integration/<integration_key>/enqueue")
    rs.survives("victorops_api_url: https://alert.victorops.com/integrations/generic/20131114/alert/")
    rs.survives("https://alert.victorops.com/integrations/generic/20131114/alert/$VO_KEY/platform-team")


@given(
    layout=st.sampled_from(
        [
            'curl -s --form-string "token={t}" --form-string "user={u}" --form-string "message=disk full"'
            " https://api.pushover.net/1/messages.json",
            "curl -F user={u} -F token={t} -F message=up https://api.pushover.net/1/messages.json",
            'requests.post("https://api.pushover.net/1/messages.json",'
            ' data={{"token": "{t}", "user": "{u}"}})',
            "    pushover_configs:\n      - user_key: {u}\n        token: {t}\n",
            "PUSHOVER_USER_KEY={u}",
        ]
    ),
    seed=SEEDS,
)
def test_a_pushover_user_key_goes(layout: str, seed: int) -> None:
    """Pushover's user or group key, with the app's token, sends to that user's devices: the `user`
    of a message to its API, and a `user_key` setting (Alertmanager's, 3scale's) that looks generated
    (30 letters of both cases and digits, as Pushover issues them)."""
    rng = random.Random(seed)
    user, token = rs.body(rng, 30), rs.body(rng, 30)
    rs.goes(layout.format(u=user, t=token), user)


def test_a_user_named_key_that_is_no_credential_stays() -> None:
    rs.survives("curl -F user=alice https://api.pushover.net/1/users/validate.json")
    rs.survives("user_key: user:1234")
    rs.survives('user_key = "users/alice"')


@given(
    layout=st.sampled_from(
        [
            "TLSPSKValue={v}",
            "    - name: ZBX_TLSPSK\n      value: {v}\n",
            "export WPAPSK={v}",
            '{{"ikePsk": "{v}"}}',
        ]
    ),
    seed=SEEDS,
)
def test_a_pre_shared_key_named_in_one_word_goes(layout: str, seed: int) -> None:
    """`psk` glued to the end of another word (Zabbix's `TLSPSKValue`, `ZBX_TLSPSK`, `WPAPSK`)."""
    value = rs.body(random.Random(seed), 64, rs.HEX)
    rs.goes(layout.format(v=value), value)


def test_a_pre_shared_key_file_stays() -> None:
    rs.survives("TLSPSKIdentity=web-07-psk\nTLSPSKFile=/etc/zabbix/zabbix_agentd.psk")


@given(
    name=st.sampled_from(["DD_APP_KEY (env)", "api_key (config)", "DD_API_KEY (file)"]),
    seed=SEEDS,
)
def test_a_setting_printed_with_its_source_goes(name: str, seed: int) -> None:
    """An agent's status printing a setting with where it came from (`datadog-agent status`)."""
    value = rs.body(random.Random(seed), 40, rs.HEX)
    rs.goes(f"  Config File: /etc/datadog-agent/datadog.yaml\n\n  {name}: {value}\n", value)


def test_a_masked_setting_printed_with_its_source_stays() -> None:
    rs.survives("  DD_API_KEY (env): ***************************a1b2\n")


@given(seed=SEEDS)
def test_the_last_characters_of_a_token_stay(seed: int) -> None:
    """A token list shows a few characters of each token to tell them apart (Sentry's
    `tokenLastCharacters`)."""
    tail = rs.body(random.Random(seed), 4, rs.HEX)
    rs.survives(f'[{{"id":"298537","name":"ci-release-upload","tokenLastCharacters":"{tail}","scopes":[]}}]')
    rs.survives(f"token_last_chars: {tail}")


@given(seed=SEEDS)
def test_a_public_key_in_a_credentials_block_stays(seed: int) -> None:
    """Sentry Relay's `credentials:` hold its public key and id (the secret key stays in a file)."""
    rng = random.Random(seed)
    public = rs.body(rng, 43, rs.URLSAFE)
    rs.survives(f"credentials:\n  public_key: {public}\n  id: {uuid.UUID(int=rng.getrandbits(128))}\n")
    secret = rs.body(rng, 43, rs.URLSAFE)
    rs.goes(f"credentials:\n  public_key: {public}\n  secret_key: {secret}\n", secret)


def test_an_already_masked_header_in_a_debug_span_stays() -> None:
    """The OpenTelemetry collector's debug exporter prints a header masked by a processor."""
    rs.survives(
        "Attributes:\n"
        "     -> http.route: Str(/v1/auth/token)\n"
        '     -> http.request.header.authorization: Slice(["[REDACTED]"])\n'
        "     -> enduser.id: Str(0e9cb88e-3744-4b1a-9d7e-1c2f3a4b5c6d)\n"
    )


@given(label=st.sampled_from(["Incident ID", "Ticket #", "Case number", "Ref"]), seed=SEEDS)
def test_an_identifier_labelled_after_a_sentence_about_a_token_stays(label: str, seed: int) -> None:
    """A status page's update mentions a token and ends with the incident's id."""
    ident = rs.body(random.Random(seed), 12, LOWER)
    rs.survives(
        "We identified the cause: an expired access token used by our payment provider integration. "
        f"A new token has been issued and we are monitoring the recovery. {label}: {ident}."
    )


@given(seed=SEEDS)
def test_a_new_token_announced_on_its_line_still_goes(seed: int) -> None:
    value = rs.body(random.Random(seed), 16)
    rs.goes(f"A new token has been issued: {value}", value)


@given(seed=SEEDS)
def test_a_parameter_listing_with_dates_stays(seed: int) -> None:
    """`aws ssm describe-parameters --output text`: a SecureString's type, then when it changed."""
    rng = random.Random(seed)
    epoch = 1_760_000_000
    rows = "\n".join(
        f"/prod/alerting/{name}\tSecureString\t{epoch + rng.randrange(30_000_000)}.{rng.randrange(999)}"
        for name in ("opsgenie-api-key", "pagerduty-routing-key", "slack-webhook-url")
    )
    rs.survives(
        "$ aws ssm describe-parameters --query 'Parameters[].[Name,Type,LastModifiedDate]' --output text\n"
        + rows
    )


def test_a_pre_shared_key_identity_stays() -> None:
    """A PSK's identity names whose key it is and goes in clear with the handshake."""
    rs.survives("### Option: TLSPSKIdentity\nTLSPSKIdentity=PSK-mon12.nyc3.internal\n")
    rs.survives("tls_psk_identity: PSK 001")


@given(seed=SEEDS)
def test_an_application_key_in_a_key_resource_goes(seed: int) -> None:
    """JSON:API resources of application keys (Datadog's `POST /api/v2/application_keys` response) and
    a list of an application's keys (Strapi's `APP_KEYS`)."""
    rng = random.Random(seed)
    key = rs.body(rng, 40, rs.HEX)
    rs.goes(
        f'{{"data":{{"type":"application_keys","id":"{uuid.UUID(int=rng.getrandbits(128))}",'
        f'"attributes":{{"created_at":"2026-08-15T02:14:41.097Z","key":"{key}","last4":"{key[-4:]}",'
        '"name":"terraform"}}}}',
        key[:36],
    )
    first, second = rs.body(rng, 24), rs.body(rng, 24)
    rs.goes(f"APP_KEYS={first},{second}", first)


@given(port=st.sampled_from(["3306", "6379"]), seed=SEEDS)
def test_a_go_mysql_dsn_without_a_protocol_loses_its_password(port: str, seed: int) -> None:
    """Go's MySQL driver takes `user:password@(host:port)/` (mysqld_exporter's `DATA_SOURCE_NAME`)."""
    password = rs.body(random.Random(seed), 20) + "!"
    rs.goes(f"$ DATA_SOURCE_NAME='exporter:{password}@(db-primary:{port})/' ./mysqld_exporter", password)


def test_a_go_dsn_without_a_password_stays() -> None:
    rs.survives("DATA_SOURCE_NAME='exporter@(db-primary:3306)/'")


@given(
    layout=st.sampled_from(
        [
            "command_line  $USER1$/check_http -H grafana.ops.example.com -S -u /api/health -a admin:{p}",
            "/usr/lib/nagios/plugins/check_curl -H api.internal -a 'monitor:{p}' --ssl",
            "check_http -H proxy.internal -b proxyuser:{p} -u http://example.com/",
        ]
    ),
    seed=SEEDS,
)
def test_a_monitoring_plugin_http_check_loses_its_password(layout: str, seed: int) -> None:
    """The monitoring plugins' `check_http`/`check_curl` take `-a user:password` (`-b` for a proxy)."""
    password = rs.body(random.Random(seed), 12) + "@"
    rs.goes(layout.format(p=password), password)


def test_a_monitoring_plugin_check_with_macros_stays() -> None:
    rs.survives("command_line    $USER1$/check_http -H $HOSTADDRESS$ -a $ARG1$ -e 200")
    rs.survives('check_http -H host -a "$USER3$:$USER4$"')


@given(seed=SEEDS)
def test_a_logged_key_field_goes(seed: int) -> None:
    """A log line's lone `key=…` field made as generated keys are (an agent connecting to its backend)."""
    key = rs.body(random.Random(seed), 22, rs.URLSAFE)
    rs.goes(
        "2026-12-07 04:12:33,040 | INFO  | instana-agent | Backend | connecting to "
        f"ingress-red-saas.instana.io:443 key={key} zone=prod-eu",
        key,
    )


def test_logged_keys_that_index_data_stay() -> None:
    rs.survives("cache hit key=user:1234 ttl=30")
    rs.survives("lock key=9f86d081884c7d659a2feaa0c55ad015 held")
    rs.survives("idempotency key=3f2a1b4c-5d6e-4f70-8a9b-0c1d2e3f4a5b")
    rs.survives("sort key=createdAt order=desc")
    rs.survives("metric key=HttpRequestDurationSeconds")


@given(
    words=st.lists(
        st.sampled_from(["spring", "falcon", "tiger", "butterfly", "monitor", "panda"]),
        min_size=3,
        max_size=4,
    ),
    number=st.integers(min_value=1, max_value=99),
    layout=st.sampled_from(["password: {p}\n", "    password: '{p}'\n", "(user noc-shift, password {p})"]),
)
def test_lower_case_words_joined_by_dots_with_a_number_are_a_password(
    words: list[str], number: int, layout: str
) -> None:
    """Words joined by dots and a number, as people make passwords (`butterfly.monitor.panda10`; one
    ending in a secret's word, `vault.kv.secret1`, names one and stays)."""
    password = ".".join(words) + str(number)
    rs.goes(layout.format(p=password), password)


def test_a_dotted_module_path_stays() -> None:
    rs.survives('redact_secrets = "autopilot.plugins.redact"')


@given(
    layout=st.sampled_from(
        [
            'headers.insert("x-honeycomb-team".to_string(), "{k}".to_string());',
            '.header("x-honeycomb-team", HeaderValue::from_static("{k}"))',
            'headers.insert("x-honeycomb-team".into(), "{k}".into());',
        ]
    ),
    seed=SEEDS,
)
def test_a_honeycomb_key_in_a_header_map_goes(layout: str, seed: int) -> None:
    """Honeycomb's key in a header map built in code (Rust's `HashMap`, reqwest's `HeaderValue`)."""
    key = rs.body(random.Random(seed), 22)
    rs.goes(layout.format(k=key), key)


def test_a_honeycomb_header_read_from_the_environment_stays() -> None:
    rs.survives('req.Header.Set("X-Honeycomb-Team", os.Getenv("HONEYCOMB_API_KEY"))')
    rs.survives('headers.insert("x-honeycomb-team", HeaderValue::from_str(&key)?);')
