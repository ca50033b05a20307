"""Redacting a stream piece by piece: nothing escapes at a piece's edge, lines go out as they come."""

from __future__ import annotations

import base64
import random
import sys
from pathlib import Path
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from autopilot.plugins.redact import stream
from autopilot.plugins.redact.engine import redact_text
from autopilot.plugins.redact.stream import StreamRedactor, flushable

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redact_strategies as rs

RNG = random.Random(15)


def _password() -> str:
    return rs.body(RNG, 10) + "#" + rs.body(RNG, 6)


def _stream(
    text: str, cuts: list[int], redactor: StreamRedactor | None = None, *, waiting: bool = False
) -> str:
    """*text* fed to a stream redactor in pieces cut at *cuts* (each said to have more input
    *waiting* behind it); everything it wrote."""
    redactor = redactor or StreamRedactor()
    data = text.encode()
    out = b""
    last = 0
    with redactor:
        for cut in sorted({min(max(0, c), len(data)) for c in cuts}):
            out += redactor.feed(data[last:cut], waiting=waiting)
            last = cut
        out += redactor.feed(data[last:], waiting=waiting)
        out += redactor.close()
    return out.decode()


_SECRET_CASES = st.lists(
    st.one_of(
        rs.text_with_format_secret().map(lambda c: (c[0], [c[2]])),
        rs.text_with_context_secret().map(lambda c: (c[0], [c[1]])),
        rs.text_with_private_key(),
    ),
    min_size=1,
    max_size=6,
)


def _lines(text: str) -> list[int]:
    """Cuts after every line: the stream sees one line at a time."""
    positions, total = [], 0
    for line in text.encode().splitlines(keepends=True):
        total += len(line)
        positions.append(total)
    return positions


@given(
    st.one_of(
        rs.text_with_format_secret().map(lambda c: (c[0], [c[2]])),
        rs.text_with_context_secret(),
        rs.text_with_private_key(),
    ),
    st.lists(st.integers(0, 4000), max_size=12),
)
def test_no_secret_survives_whatever_the_pieces(case: tuple[str, object], cuts: list[int]) -> None:
    """However the input is cut into pieces, no secret the whole text would lose survives."""
    text, secrets = case
    wanted = [secrets] if isinstance(secrets, str) else list(secrets)  # type: ignore[arg-type]

    out = _stream(text, cuts)

    assert [secret for secret in wanted if secret in out] == []


def test_a_private_key_split_line_by_line_is_redacted_whole() -> None:
    """A private key arriving one line at a time is held until its END line, then redacted."""
    body = [base64.b64encode(RNG.randbytes(48)).decode() for _ in range(4)]
    text = (
        "before\n-----BEGIN RSA PRIVATE KEY-----\n"
        + "\n".join(body)
        + "\n-----END RSA PRIVATE KEY-----\nafter\n"
    )

    out = _stream(text, _lines(text))

    assert out == "before\n[REDACTED:private_key]\nafter\n"


def test_printed_secret_on_the_line_after_its_command() -> None:
    """The output of `kubectl get secret … | base64 -d` is redacted though it comes in a later piece."""
    password = _password()
    text = f"$ kubectl get secret db -o jsonpath='{{.data.password}}' | base64 -d\n{password}\n$ ls\n"

    out = _stream(text, _lines(text))

    assert password not in out
    assert out.splitlines()[1] == "[REDACTED:secret]"


def test_kubernetes_data_before_kind_in_separate_pieces() -> None:
    """`kubectl get secret -o yaml` prints data before kind: the data is redacted all the same."""
    value = base64.b64encode(_password().encode()).decode()
    manifest = (
        f"apiVersion: v1\ndata:\n  password: {value}\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque"
    )
    text = f"{manifest}\n$ next\n"

    out = _stream(text, _lines(text))

    assert value not in out
    assert "kind: Secret" in out


@given(st.lists(st.integers(0, 3000), max_size=12), st.booleans())
def test_a_configmap_after_a_secret_is_judged_the_same_whatever_the_pieces(
    cuts: list[int], waiting: bool
) -> None:
    """Manifests run together (a Secret, other output, then a ConfigMap without `---`): however the
    input comes (`cat file | autopilot redact -` reads it in pieces the pipe decides), the Secret's
    data goes and the ConfigMap's stays, as when the whole text is redacted at once."""
    value = base64.b64encode(_password().encode()).decode()
    filler = "".join(f"commit {RNG.getrandbits(160):040x}\n    Fix parser handling\n\n" for _ in range(20))
    text = (
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ntype: Opaque\ndata:\n"
        f"  password: {value}\n{filler}"
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cache\ndata:\n  LOG_LEVEL: debug\n---\n"
    )

    out = _stream(text, cuts, waiting=waiting)

    assert out == redact_text(text)
    assert value not in out and "  LOG_LEVEL: debug\n" in out


def test_a_continued_command_line_is_judged_whole() -> None:
    """A password on the continuation line of a command is redacted when the lines come apart."""
    password = _password()
    text = f"mysql -h db \\\n  -u root \\\n  -p{password} app\ndone\n"

    out = _stream(text, _lines(text))

    assert password not in out


def test_lines_go_out_as_they_come() -> None:
    """Ordinary complete lines are written at once; an unfinished line waits for its end."""
    redactor = StreamRedactor()

    first = redactor.feed(b"one\ntw")
    second = redactor.feed(b"o\n")

    assert (first, second, redactor.close()) == (b"one\n", b"two\n", b"")


def test_same_output_as_the_whole_text() -> None:
    """Pieces give what redacting the whole text at once gives."""
    token = "gh" + "p_" + rs.body(RNG, 36)
    text = f"start\nexport GITHUB_TOKEN={token}\npassword: {_password()}\nplain line\n" * 3

    assert _stream(text, [7, 30, 31, 90, 200]) == redact_text(text)


def test_holding_is_bounded() -> None:
    """A private key that never ends is not held past HOLD_LIMIT: its body is written redacted."""
    redactor = StreamRedactor()
    line = base64.b64encode(RNG.randbytes(48)).decode() + "\n"
    out = redactor.feed(b"-----BEGIN PRIVATE KEY-----\n")
    while len(out) == 0:
        out += redactor.feed(line.encode() * 1000)

    assert line.strip().encode() not in out
    assert b"[REDACTED:private_key]" in out


def test_flushable_keeps_only_what_may_change() -> None:
    """Only lines that a later line may still change wait; the unfinished last line always waits."""
    assert flushable(b"a\nb\nc") == 4
    assert flushable(b"a\n-----BEGIN EC PRIVATE KEY-----\nMHcC\n") == 2
    assert flushable(b"a\n-----BEGIN EC PRIVATE KEY-----\nMHcC", final=True) == 37


def test_other_redactors_see_every_piece() -> None:
    """With a chain, every piece goes through it, and the built-in look-back still applies."""
    seen: list[str] = []

    def chain(text: str) -> str:
        seen.append(text)
        return redact_text(text.replace("internal-host", "[host]"))

    password = _password()
    text = f"internal-host up\nPlease use the following password to log in:\n{password}\n"

    out = _stream(text, _lines(text), StreamRedactor(chain))

    assert "".join(seen) == text
    assert out == "[host] up\nPlease use the following password to log in:\n[REDACTED:password]\n"


@settings(max_examples=25)  # each example starts a pool of worker processes
@given(_SECRET_CASES, st.lists(st.integers(0, 8000), max_size=12), st.sampled_from([1, 300, 5000]))
def test_workers_lose_no_secret_and_change_nothing(
    cases: list[tuple[str, list[str]]], cuts: list[int], piece: int
) -> None:
    """With worker processes, whatever the pieces and their size, no secret survives, and with the
    same pieces the output is the one a single process writes."""
    text = "\n".join(case for case, _ in cases) + "\n"
    wanted = [secret for _, secrets in cases for secret in secrets]

    with mock.patch.object(stream, "PIECE", piece), mock.patch.object(stream, "PARALLEL_AFTER", 0):
        out = _stream(text, cuts, StreamRedactor(workers=2), waiting=True)

    assert [secret for secret in wanted if secret in out] == []
    if piece == 1:  # every piece cut where a single process cuts it
        assert out == _stream(text, cuts)


def test_workers_write_everything_once_no_input_is_waiting() -> None:
    """Pieces given to workers come out in order, all of them as soon as the input pauses."""
    token = "gh" + "p_" + rs.body(RNG, 36)
    lines = [f"line {n} GITHUB_TOKEN={token}\n".encode() for n in range(40)]
    with (
        mock.patch.object(stream, "PIECE", 64),
        mock.patch.object(stream, "PARALLEL_AFTER", 0),
        StreamRedactor(workers=2) as redactor,
    ):
        out = b"".join(redactor.feed(line, waiting=True) for line in lines[:-1])
        out += redactor.feed(lines[-1], waiting=False)

        assert out.decode() == "".join(f"line {n} GITHUB_TOKEN=[REDACTED:github_token]\n" for n in range(40))
        assert redactor.close() == b""
