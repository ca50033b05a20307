"""`autopilot redact` filters secrets out of files and stdin; `--check` names file:line and kind."""

from __future__ import annotations

import io
import random
import subprocess
import sys
from pathlib import Path

import pytest

from autopilot.cli import main

RNG = random.Random(5)


def _token() -> str:
    return "gh" + "p_" + "".join(RNG.choice("abcdefghijkLMNOPQRST0123456789") for _ in range(36))


def test_filter_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """A file is printed with its secrets replaced by markers; exit 0."""
    token = _token()
    path = tmp_path / "out.log"
    path.write_text(f"cloning\nexport GITHUB_TOKEN={token}\ndone\n")

    code = main(["redact", str(path)])

    assert (code, capsys.readouterr().out) == (
        0,
        "cloning\nexport GITHUB_TOKEN=[REDACTED:github_token]\ndone\n",
    )


def test_filter_stdin(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    """`-` (or no argument) reads standard input."""
    monkeypatch.setattr("sys.stdin", io.StringIO("password: s3cretValue99\n"))

    code = main(["redact", "-"])

    assert (code, capsys.readouterr().out) == (0, "password: [REDACTED:password]\n")


def test_filter_output_is_idempotent(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Redacting the command's own output again changes nothing."""
    path = tmp_path / "x.txt"
    path.write_text(f"a {_token()} b\npostgres://u:Pw9xYz12Abc@db/x\n")
    main(["redact", str(path)])
    once = capsys.readouterr().out
    path.write_text(once)

    main(["redact", str(path)])

    assert capsys.readouterr().out == once


def test_check_reports_file_line_kind_without_the_secret(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """--check prints file:line: kind for each secret, never the secret, and exits 1."""
    token = _token()
    path = tmp_path / "run.json"
    path.write_text(f'{{\n  "ok": true,\n  "out": "{token}"\n}}\n')

    code = main(["redact", "--check", str(path)])
    out = capsys.readouterr().out

    assert (code, out) == (1, f"{path}:3: github_token\n")
    assert token not in out


def test_check_clean_files_exit_zero(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """Clean files (markers included) pass the check silently."""
    path = tmp_path / "clean.txt"
    path.write_text("token: [REDACTED:github_token]\ncommit 1f0e3dad99908345f7439f8ffabdffc4\n")

    assert (main(["redact", "--check", str(path)]), capsys.readouterr().out) == (0, "")


def test_check_unreadable_file(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """An unreadable file gives one error: line naming it and exit 2."""
    missing = tmp_path / "missing.log"

    code = main(["redact", "--check", str(missing)])

    assert code == 2
    assert capsys.readouterr().err == f"error: {missing}: cannot read: No such file or directory\n"


def _git(*args: str) -> None:
    subprocess.run(["git", *args], check=True, capture_output=True)


def test_check_staged_reads_the_index_not_the_working_copy(
    capsys: pytest.CaptureFixture[str], git_repo: Path
) -> None:
    """--staged reports a staged secret even after the file on disk was cleaned, with repository paths."""
    Path("logs").mkdir()
    Path("logs/run.txt").write_text(f"ok\ntoken {_token()}\n")
    Path("notes.txt").write_text(f"token {_token()}\n")
    _git("add", "logs/run.txt", "notes.txt")
    Path("logs/run.txt").write_text("ok\n")

    staged = main(["redact", "--check", "--staged", "--", "logs"])
    staged_out = capsys.readouterr().out
    working_copy = main(["redact", "--check", "logs/run.txt"])

    assert (staged, staged_out) == (1, "logs/run.txt:2: github_token\n")
    assert working_copy == 0


def test_check_staged_without_paths_checks_every_staged_file(
    capsys: pytest.CaptureFixture[str], git_repo: Path
) -> None:
    """--staged with no path checks every staged file; unstaged files are not read."""
    Path("a.txt").write_text(f"x {_token()}\n")
    Path("unstaged.txt").write_text(f"x {_token()}\n")
    _git("add", "a.txt")

    code = main(["redact", "--staged"])

    assert (code, capsys.readouterr().out) == (1, "a.txt:1: github_token\n")


def test_check_staged_outside_a_repository(capsys: pytest.CaptureFixture[str]) -> None:
    """--staged outside a git repository is one error: line and exit 2."""
    code = main(["redact", "--check", "--staged"])

    assert (code, capsys.readouterr().err) == (
        2,
        "error: redact --staged: not a git repository (run it inside one)\n",
    )


def test_filter_writes_each_line_while_the_input_stays_open(tmp_path: Path) -> None:
    """`autopilot redact -` writes a line as soon as it is read, before its input ends (tail -f)."""
    import os
    import select

    process = subprocess.Popen(
        [sys.executable, "-m", "autopilot", "redact", "-"],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        cwd=tmp_path,
    )
    assert process.stdin is not None and process.stdout is not None
    try:
        received = b""
        for line in (b"first line\n", f"export GITHUB_TOKEN={_token()}\n".encode()):
            process.stdin.write(line)
            process.stdin.flush()
            before = received.count(b"\n")
            while received.count(b"\n") == before:
                # A generous bound for a loaded machine; the line normally comes in milliseconds.
                ready, _, _ = select.select([process.stdout], [], [], 30)
                assert ready, "no output while the input stayed open"
                received += os.read(process.stdout.fileno(), 65536)
    finally:
        process.stdin.close()
        process.wait(timeout=60)
        process.stdout.close()

    assert received == b"first line\nexport GITHUB_TOKEN=[REDACTED:github_token]\n"


def test_filter_big_file_same_as_redacting_it_whole(tmp_path: Path) -> None:
    """A file big enough to be redacted by several processes gives what redacting it whole gives."""
    from autopilot.plugins.redact.engine import redact_text

    lines = []
    for number in range(200_000):
        lines.append(f"step {number}: ok, {number * 7} tokens used\n")
        if number % 997 == 0:
            lines.append(f"export GITHUB_TOKEN={_token()}\npassword: Pw{number}xYz!Abc\n")
    text = "".join(lines)
    path = tmp_path / "big.log"
    path.write_text(text)
    assert path.stat().st_size > 6 << 20

    result = subprocess.run(
        [sys.executable, "-m", "autopilot", "redact", str(path)], capture_output=True, cwd=tmp_path
    )

    assert (result.returncode, result.stdout.decode()) == (0, redact_text(text))


def test_filter_keeps_bytes_that_are_not_utf8(tmp_path: Path) -> None:
    """Bytes that are not UTF-8 pass through unchanged; secrets next to them still go."""
    path = tmp_path / "mixed.log"
    path.write_bytes(b"caf\xe9 \xff\xfe\npassword: S3cretValue99\n")

    result = subprocess.run(
        [sys.executable, "-m", "autopilot", "redact", str(path)], capture_output=True, cwd=tmp_path
    )

    assert (result.returncode, result.stdout) == (0, b"caf\xe9 \xff\xfe\npassword: [REDACTED:password]\n")


@pytest.mark.parametrize(
    "data",
    [
        b"\x1f\x8b\x08\x00" + bytes(range(256)),  # gzip: whatever it holds cannot be seen
        "password: S3cretValue99\n".encode("utf-16"),  # UTF-16: a NUL after every ASCII letter
    ],
    ids=["gzip", "utf-16"],
)
def test_filter_refuses_binary_input_and_writes_nothing(tmp_path: Path, data: bytes) -> None:
    """A binary file (a NUL byte near its start) is one `error:` line naming it, exit 2, no output:
    printing it back "redacted" would pass a secret inside it on unseen."""
    path = tmp_path / "run.log.gz"
    path.write_bytes(data)

    for args, name in (([str(path)], str(path)), (["-"], "standard input")):
        result = subprocess.run(
            [sys.executable, "-m", "autopilot", "redact", *args],
            input=data,
            capture_output=True,
            cwd=tmp_path,
        )

        assert (result.returncode, result.stdout) == (2, b"")
        assert result.stderr.decode().startswith(f"error: {name}: binary data")
        assert result.stderr.count(b"\n") == 1
