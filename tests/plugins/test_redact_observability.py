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
