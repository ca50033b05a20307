"""The built-in redactor on the kinds of secrets a fourteenth corpus, written blind to the rules on
credentials with no name beside them (alone on a line, in a list, a table cell, a positional
argument, a generic field), found missed or wrongly redacted: provider formats recognised by their
shape, and their public twins (browser and validation keys, image digests, masks, incident keys)."""

from __future__ import annotations

import base64
import json
import random
import string
import sys
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autopilot.plugins.redact.engine import redact_text

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

LOWER_DIGITS = string.ascii_lowercase + string.digits


def _asana(rng: random.Random) -> str:
    user, token = rng.randint(10**15, 10**16 - 1), rng.randint(10**15, 10**16 - 1)
    hex_part = rs.body(rng, 32, rs.HEX)
    return rng.choice([f"2/{user}/{token}:{hex_part}", f"1/{user}:{hex_part}"])


def _intercom(rng: random.Random) -> str:
    ident = str(uuid.UUID(int=rng.getrandbits(128))).replace("-", rng.choice(["-", "_"]))
    return base64.b64encode(f"tok:{ident}:1:0".encode()).decode()


# name -> builder(rng) -> a secret that has no name beside it, only its own format
FORMATS: dict[str, Callable[[random.Random], str]] = {
    "together": lambda rng: "tgp" + "_v1_" + rs.body(rng, 43, rs.URLSAFE),
    "fireworks": lambda rng: "fw" + "_" + rs.body(rng, 24),
    "langsmith": lambda rng: (
        "lsv2" + rng.choice(["_pt_", "_sk_"]) + rs.body(rng, 32, rs.HEX) + "_" + rs.body(rng, 10, rs.HEX)
    ),
    "bitbucket_access_token": lambda rng: (
        "ATCTT" + "3xFfGN0" + rs.body(rng, 170, rs.URLSAFE) + "=" + rs.body(rng, 8, "0123456789ABCDEF")
    ),
    "newrelic_license": lambda rng: rs.body(rng, 36, rs.HEX) + "NR" + "AL",
    "crates_io": lambda rng: "ci" + rng.choice(["o", "o_tp_"]) + rs.body(rng, 32),
    "sonarqube": lambda rng: "sq" + rng.choice("upa") + "_" + rs.body(rng, 40, rs.HEX),
    "neon": lambda rng: "na" + "pi_" + rs.body(rng, 64, LOWER_DIGITS),
    "render": lambda rng: "rn" + "d_" + rs.body(rng, 32),
    "asana": _asana,
    "intercom": _intercom,
    "adyen": lambda rng: (
        "AQ" + "E" + rs.body(rng, 60, rs.B64) + "=-" + rs.body(rng, 44, rs.B64) + "=-" + rs.body(rng, 16)
    ),
    "salesforce": lambda rng: (
        "00D"
        + rs.body(rng, 12)
        + "!AQ"
        + rng.choice("AEIMQUYcgkosw")
        + "AQ"
        + rs.body(rng, 96, rs.ALNUM + "._")
    ),
    "pagerduty": lambda rng: "u" + "+" + rs.body(rng, 18, rs.URLSAFE),
    "honeycomb": lambda rng: "hc" + rng.choice("ax") + "ik_" + rs.body(rng, 58, LOWER_DIGITS),
}

# Where a credential lands with no secret-sounding name: alone, listed, in a table, as an argument.
NAMELESS = [
    "{s}",
    "tracing\n{s}\n",
    "Team keys (do not share):\n* {s} — prod\n",
    "| staging | {s} | 2026-03-01 |\n",
    "vercel   {s}\nrender   (none)\n",
    "$ ./sync.sh acme/api {s}\n",
    '{{"k": "thunder", "v": "{s}", "n": 12}}',
    '["staging.acme.io", "admin", "{s}"]',
    "ok so the one we use is {s} and the fallback is in the vault\n",
]


@given(
    kind=st.sampled_from(sorted(FORMATS)),
    line=st.sampled_from(NAMELESS),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_a_providers_token_goes_by_its_format_alone(kind: str, line: str, seed: int) -> None:
    """Together, Fireworks, LangSmith, Bitbucket, New Relic, crates.io, SonarQube, Neon, Render, Asana,
    Intercom, Adyen, Salesforce, PagerDuty, Honeycomb: by their shape, plain and JSON-escaped."""
    secret = FORMATS[kind](random.Random(seed))
    rs.goes(line.format(s=secret), secret)


def test_a_format_written_in_a_word_or_cut_short_stays() -> None:
    """Prefixes in words and identifiers, and values too short for the format, are left alone."""
    for text in (
        "fw_update_firmware_v2 ran in 3.2s",
        "the precious ciociaria gracious delicious",
        "rnd_seed = 42; rnd_state.shuffle(items)",
        "napi_create_function and napi_get_value_string_utf8",
        "squ_rt(x) and sqp_solver",
        "1/2 cup sugar, 2/3 done, ratio 1/1234567890",
        "lsv2_pt_... and tgp_v1_... in the docs",
        "u+2022 is a bullet, U+1F600 an emoji",
        "00Dxx0000001gPL!AQ…",
        "watch-only: bc1q" + "9h6yzs5km2k0h6g9x2wxfqdl3sm0xe3gthg4xq",
    ):
        rs.survives(text)


@given(seed=st.integers(min_value=0, max_value=2**32))
def test_a_short_prefix_inside_base64_is_no_token(seed: int) -> None:
    """Base64 (an image, a verifier, a key file) holds `u+`, `cio`, `fw` after its `+` and `/`
    as any text does: no token starts there."""
    rng = random.Random(seed)
    body = lambda n: "".join(rng.choice(string.ascii_letters + string.digits) for _ in range(n))  # noqa: E731
    blob = body(20) + "/1+u+" + body(18) + "+" + body(12) + "/cio" + body(32) + "+" + body(10) + "=="
    rs.survives(f'{{"type": "base64", "data": "{blob}"}}')
    rs.survives(f"ALTER ROLE app PASSWORD 'SCRAM-SHA-256$4096:{body(22)}==${blob}:{body(43)}=';")


@given(seed=st.integers(min_value=0, max_value=2**32))
def test_public_twins_stay(seed: int) -> None:
    """Mailgun's public validation key, New Relic's browser key, an image's digest, PagerDuty's
    incident key and a mask of bullets are public or say nothing: left alone, whatever names them."""
    rng = random.Random(seed)
    digest = "sha256:" + rs.body(rng, 64, rs.HEX)
    docker = '"args": ["run", "-i", "--rm", "-e", "GITHUB_PERSONAL_ACCESS_TOKEN", "ghcr.io/github/mcp@'
    for text in (
        "validation (public): pub" + "key-" + rs.body(rng, 32, rs.HEX),
        "newrelic_browser:\n  key: " + "NR" + "JS-" + rs.body(rng, 19, rs.HEX) + '\n  app_id: "8510"',
        docker + digest + '"]',
        'var imageDigests = map[string]string{\n\t"api":    "' + digest + '",\n}',
        '{"incident":{"id":"PA1IOZR","incident_key":"' + rs.body(rng, 32, rs.HEX) + '"}}',
    ):
        rs.survives(text)


def test_a_mask_of_bullets_stays_however_often_escaped() -> None:
    """A status API's masked token (`•••`) in a Codex rollout, escaped twice or three times."""
    text = json.dumps({"items": [{"name": "stripe", "token": "\u2022" * 12, "ok": False}]})
    for _ in range(3):
        assert redact_text(text) == text
        text = json.dumps({"output": text})


@pytest.mark.parametrize(
    "line",
    [
        "2026-09-11T16:28:24Z iam:DeleteAccessKey user=mlops by carol",
        "CreateAccessKey user=release status=ok",
        "rotate api key target=payments region=eu-west-1",
    ],
)
def test_a_setting_after_a_keys_name_is_no_value_of_it(line: str) -> None:
    """An audit log's `DeleteAccessKey user=…`: the word after the name is a setting of its own."""
    rs.survives(line)


def test_the_secret_beside_a_public_twin_still_goes() -> None:
    """Next to the public keys that stay, the secrets of the same providers still go."""
    rng = random.Random(7)
    mailgun = "key-" + rs.body(rng, 32, rs.HEX)
    license_key = rs.body(rng, 36, rs.HEX) + "NR" + "AL"
    public = "pub" + "key-" + rs.body(rng, 32, rs.HEX)
    text = f"private: {mailgun}\npublic: {public}\nlicense {license_key}\n"
    out = redact_text(text)
    assert mailgun not in out and license_key not in out
    assert public in out


@pytest.mark.parametrize("kind", ["fireworks", "pagerduty", "crates_io"])
def test_a_token_that_is_the_whole_text_goes_whatever_its_last_letter(kind: str) -> None:
    """A token at the very start of the text whose last character is `m` (what ends a colour code
    before a token, read from the other end of the text) still goes."""
    secret = FORMATS[kind](random.Random(3))[:-1] + "m"
    assert secret not in redact_text(secret)


@given(
    count=st.integers(min_value=2, max_value=4),
    alphabet=st.sampled_from([rs.HEX, rs.ALNUM]),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_keys_announced_together_go_on_each_of_their_lines(count: int, alphabet: str, seed: int) -> None:
    """`Your Datadog keys for the sandbox org:` and a key on each of the next lines: every one goes."""
    rng = random.Random(seed)
    keys = [rs.body(rng, rng.choice([32, 40, 64]), alphabet) for _ in range(count)]
    text = "Welcome aboard! Your Datadog keys for the sandbox org:\n\n" + "".join(f"  {k}\n" for k in keys)
    for key in keys:
        rs.goes(text + "\nThe first one is for the agent.", key)


def test_words_after_the_announced_keys_stay() -> None:
    """Past the values that look generated, a word on its own line is no key."""
    rng = random.Random(11)
    key = rs.body(rng, 32)
    out = redact_text(f"Your new keys for the org:\n\n  {key}\n  getting-started\n")
    assert key not in out and "getting-started" in out


@given(
    layout=st.sampled_from(
        [
            'static const char *k = "{s}";\nstatic const char *id = "{i}";',
            "secret_key = {s}\nsecret_id = {i}\n",
            "{i}\n{s}\n",
        ]
    ),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_a_tencent_secret_key_on_the_line_before_or_after_its_id_goes(layout: str, seed: int) -> None:
    """Tencent's SecretKey beside its SecretId, declared above it as well as below."""
    rng = random.Random(seed)
    secret_id = "AK" + "ID" + rs.body(rng, 32)
    secret = rs.body(rng, 32)
    rs.goes(layout.format(s=secret, i=secret_id), secret)


def test_words_beside_a_key_id_stay() -> None:
    """The line before a SecretId is read for its key, but words there (and the id's own line's
    words) stay; the id goes, as an AWS key id alone does."""
    rng = random.Random(5)
    secret_id = "AK" + "ID" + rs.body(rng, 32)
    comment = "# tencent cloud credentials for the nightly build, rotated every quarter"
    for form in rs.forms(f"{comment}\nid = {secret_id}"):
        out = redact_text(form)
        assert comment in out and secret_id not in out, form


@given(
    layout=st.sampled_from(
        [
            '{{"providers":[{{"name":"deepgram","k":"{d}"}},{{"name":"assemblyai","k":"{s}"}}]}}',
            "assemblyai   {s}\n",
            "- {s} — assemblyai (prod)\n",
        ]
    ),
    seed=st.integers(min_value=0, max_value=2**32),
)
def test_an_assemblyai_key_listed_under_its_providers_name_goes(layout: str, seed: int) -> None:
    rng = random.Random(seed)
    key, other = rs.body(rng, 32, rs.HEX), rs.body(rng, 40, rs.HEX)
    rs.goes(layout.format(s=key, d=other), key)


def test_assemblyai_named_without_a_key_stays() -> None:
    for text in (
        "pip install assemblyai==0.34.0",
        "assemblyai   (none yet)",
        "we moved off assemblyai in May",
    ):
        rs.survives(text)


def test_a_pagerduty_shaped_run_inside_base64_stays() -> None:
    """`u+` and 18 characters followed by more base64 (`+`, `/`) is part of a blob, such as a Pulumi
    ciphertext, not a PagerDuty token; the same token alone still goes."""
    body = "aB3" + "".join(random.choices(string.ascii_letters + string.digits, k=15))
    blob = f'{{"ciphertext": "v1:u+{body}+Mb0VjDK+agKQgMMZInM"}}'
    assert redact_text(blob) == blob
    assert body not in redact_text(f"token: u+{body}")
