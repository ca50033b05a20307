"""The built-in redactor on the kinds of secrets a sixth corpus, written blind to the rules, found
missed: tables and exports (psql, mysql, box drawings, TSV, quoted CSV), encodings and escapes,
debug and trace output, credential files."""

from __future__ import annotations

import random
import sys
import urllib.parse
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from autopilot.plugins.redact.engine import redact_text

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

RNG = random.Random(6)


def _secret() -> str:
    """A generated credential: letters, digits and a symbol."""
    return rs.body(RNG, 12) + "*" + rs.body(RNG, 6)


def _table(layout: str, columns: list[str], rows: list[list[str]]) -> str:
    """*rows* under *columns* as a client prints them in *layout*."""
    widths = [max(len(cell) for cell in column) + 2 for column in zip(columns, *rows, strict=True)]

    def line(cells: list[str], bar: str, edges: bool) -> str:
        inner = bar.join(f" {cell}".ljust(width) for cell, width in zip(cells, widths, strict=True))
        return f"{bar}{inner}{bar}" if edges else inner

    if layout == "psql":
        rule = "+".join("-" * width for width in widths)
        body = [line(row, "|", False) for row in rows]
        return "\n".join([line(columns, "|", False), rule, *body, "(2 rows)"])
    if layout == "mysql":
        rule = "+" + "+".join("-" * width for width in widths) + "+"
        body = [line(row, "|", True) for row in rows]
        return "\n".join([rule, line(columns, "|", True), rule, *body, rule, "2 rows in set (0.00 sec)"])
    if layout == "box":
        top = "┌" + "┬".join("─" * width for width in widths) + "┐"
        middle = "├" + "┼".join("─" * width for width in widths) + "┤"
        bottom = "└" + "┴".join("─" * width for width in widths) + "┘"
        body = [line(row, "│", True) for row in rows]
        return "\n".join([top, line(columns, "│", True), middle, *body, bottom])
    if layout == "markdown":
        rule = "|" + "|".join("-" * width for width in widths) + "|"
        return "\n".join([line(columns, "|", True), rule, *(line(row, "|", True) for row in rows)])
    if layout == "tsv":
        return "\n".join("\t".join(cells) for cells in [columns, *rows]) + "\n"
    return "\n".join(",".join(f'"{cell}"' for cell in cells) for cells in [columns, *rows]) + "\n"


_LAYOUTS = ["psql", "mysql", "box", "markdown", "tsv", "csv"]
_SECRET_COLUMNS = ["password", "api_token", "client_secret", "smtp_password", "Password", "secret_key"]


@given(
    st.sampled_from(_LAYOUTS),
    st.sampled_from(_SECRET_COLUMNS),
    st.integers(min_value=0, max_value=3),
    st.integers(min_value=0, max_value=2**32),
)
def test_a_secret_column_of_a_table_loses_every_value(layout: str, name: str, where: int, seed: int) -> None:
    """Each value under a secret-named column goes, wherever the column is and however the
    table is drawn (psql, mysql, box drawing, Markdown, TSV, quoted CSV), printed or JSON-escaped."""
    rng = random.Random(seed)
    columns = ["id", "email", "role"]
    columns.insert(where, name)
    secrets = [rs.body(rng, 14) + "+" + rs.body(rng, 5) for _ in range(2)]
    rows = []
    for number, secret in enumerate(secrets, start=1):
        row = [str(number), f"user{number}@example.org", "admin"]
        row.insert(where, secret)
        rows.append(row)
    text = _table(layout, columns, rows)

    for form in rs.forms(text):
        redacted = redact_text(form)
        for secret in secrets:
            assert secret not in redacted, form
        assert "user2@example.org" in redacted


@pytest.mark.parametrize("layout", ["psql", "box", "tsv"])
def test_a_name_and_value_row_loses_its_value(layout: str) -> None:
    """A row that is a secret's name and its value (psql's expanded display, ``doppler secrets``,
    a tab-separated environment dump) loses the value; the other rows stay."""
    value = _secret()
    rows = [["id", "7"], ["client_secret", value], ["created_at", "2026-01-19T02:06:16Z"]]
    text = _table(layout, ["NAME", "VALUE"], rows)

    for form in rs.forms(text):
        redacted = redact_text(form)
        assert value not in redacted, form
        assert "2026-01-19T02:06:16Z" in redacted


_TABLES_LEFT_ALONE = [
    # a listing of secrets' names and digests, boxed
    _table("box", ["NAME", "DIGEST"], [["DB_PASSWORD", "8a7f9c3e51d2b6a4"], ["API_KEY", "1b2c3d4e5f6a7b8c"]]),
    # a column named for a secret that holds words, hashes' names or nothing
    _table("psql", ["id", "password"], [["1", "(not set)"], ["2", ""]]),
    _table("mysql", ["user", "password_hash"], [["app", "*6BB4837EB74329105EE4568DDA7DC67ED2CA2AD9"]]),
    _table("tsv", ["name", "token_type", "expires_in"], [["ci", "bearer", "3600"]]),
    # a shell pipe after a secret's name is no table
    "$ echo $DB_PASSWORD | wc -c\n17",
]


@pytest.mark.parametrize("text", _TABLES_LEFT_ALONE)
def test_tables_without_a_secret_survive(text: str) -> None:
    """Listings of names and digests, columns of hashes or placeholders, and pipes stay byte for byte."""
    for form in rs.forms(text):
        assert redact_text(form) == form


_CAUGHT = [
    # bash's ANSI-C quoting, with an escaped quote inside, after a client flag, a name or echo
    "$ mysql -h db -u root -p$'{a}' -e 'show databases'",
    "$ redis-cli -a $'{a}' ping",
    "export DB_PASSWORD=$'{a}'\n./migrate",
    "$ echo $'{a}' | docker login --username ci --password-stdin registry.example.org",
    # XML text holding entities (maven's settings.xml, ClickHouse's users.xml)
    "<server>\n  <id>releases</id>\n  <password>{x}</password>\n</server>",
    "<users><writer><password>{x}</password></writer></users>",
    # gdb prints a char pointer as its address and the string
    '$1 = {{host = 0x5555555592a0 "db", password = 0x5555555592e0 "{v}", port = 5432}}',
    # YAML block scalars, folded or literal
    "auth:\n  password: >\n    {v}\n  user: app",
    "auth:\n  api_token: |-\n    {v}\n  user: app",
    # a STOMP frame's headers
    "CONNECT\naccept-version:1.2\nhost:broker.example.org\nlogin:app\npasscode:{v}\n\n\x00",
    # Redis MONITOR quotes each argument; a websocket login frame; a URL inside a URL's parameter
    '1741082401.000001 [0 127.0.0.1:40012] "AUTH" "default" "{v}"\n1741082401.000120 "PING"',
    '1741082401.000001 [0 127.0.0.1:40012] "AUTH" "{v}"',
    '> {{"action":"auth","params":"{v}"}}',
    "GET /callback?next=%2Fexport%3Faccess_token%3D{e}%26format%3Dcsv HTTP/1.1",
    "GET /sso?RelayState=%252Fapi%253Fapi_key%253D{e}%2526page%253D2 HTTP/1.1",
]


@pytest.mark.parametrize("template", _CAUGHT)
def test_kinds_found_by_the_sixth_corpus_never_survive(template: str) -> None:
    """ANSI-C quoted values, XML text with entities, gdb's pointed strings, YAML block scalars, STOMP
    headers, Redis MONITOR lines, websocket login frames and URL-encoded parameters lose their
    secret, as printed and JSON-escaped once or twice."""
    value = _secret()
    ansi = value[:6] + "\\'" + value[6:]
    xml = value[:6] + "&amp;" + value[6:10] + "&lt;" + value[10:]
    encoded = urllib.parse.quote(value, safe="")
    text = template.format(v=value, a=ansi, x=xml, e=encoded)
    fills = {"{a}": ansi, "{x}": xml, "{e}": encoded}
    secret = next((fill for key, fill in fills.items() if key in template), value)

    for form in rs.forms(text):
        redacted = redact_text(form)
        assert secret[:8] not in redacted and secret[-8:] not in redacted, form


_LEFT_ALONE = [
    "$ printf $'%s\\t%s\\n' user app host db.example.org",
    "<password>${env.MAVEN_PASSWORD}</password>",
    '$1 = {method = 0x55555555a0a0 "GET", path = 0x55555555a0c0 "/healthz", token = 0x0}',
    "script: |\n  echo building\n  make all\npassword: >\n  Please ask the on-call engineer for it\n",
    "group:artifact:1.2\nversion:3\npasscode:required",
    '1741082401.000001 [0 127.0.0.1:40012] "AUTH" "default" "$REDIS_PASSWORD"',
    '> {"action":"subscribe","params":"T.AAPL,Q.MSFT"}',
    "GET /callback?next=%2Fexport%3Fformat%3Dcsv%26token_type%3Dbearer HTTP/1.1",
]


@pytest.mark.parametrize("text", _LEFT_ALONE)
def test_what_the_sixth_corpus_rules_leave_alone_survives(text: str) -> None:
    """Format strings, references, null pointers, prose in block scalars and settings stay byte for byte."""
    for form in rs.forms(text):
        assert redact_text(form) == form
