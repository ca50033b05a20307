"""Reading agent logs in place: accounting as ccusage does it, formats by content, reports and ATIF."""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import tempfile
from datetime import datetime
from pathlib import Path
from typing import Any

import msgspec
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.corpus import CORPUS, needs_corpus

from autopilot.cli import main
from autopilot.core import logs
from autopilot.core.logs import scan
from autopilot.core.pricing import load_price_table
from autopilot.core.usage import Call, Ledger, Session, dedupe, priced
from autopilot.plugins.claude.logs import ClaudeTranscriptReader


def _analyze(capsys: pytest.CaptureFixture[str], *args: str | Path) -> dict:
    code = main(["analyze", *map(str, args), "--json"])
    out = capsys.readouterr().out
    assert code == 0
    return json.loads(out)


def _line(
    message_id: str, output: int, *, hour: int = 0, sidechain: bool = False, request: str = "req_1"
) -> str:
    usage = {
        "input_tokens": 10,
        "output_tokens": output,
        "cache_creation_input_tokens": 1000 + hour,
        "cache_read_input_tokens": 0,
        "cache_creation": {"ephemeral_5m_input_tokens": 1000, "ephemeral_1h_input_tokens": hour},
    }
    return json.dumps(
        {
            "type": "assistant",
            "sessionId": "s-1",
            "requestId": request,
            "isSidechain": sidechain,
            "timestamp": "2026-11-02T10:00:00.000Z",
            "message": {"id": message_id, "model": "claude-sonnet-4-5", "usage": usage, "content": []},
        },
        separators=(",", ":"),
    )


@needs_corpus
def test_transcript_tokens_and_cost_equal_ccusage(capsys: pytest.CaptureFixture[str]) -> None:
    """The corpus transcripts give ccusage 20.0.24's tokens and cost for every session (measured with
    ``ccusage claude session --json --offline --mode calculate``)."""
    assert CORPUS is not None
    data = _analyze(capsys, CORPUS / "claude-transcript")

    keys = ("input_tokens", "output_tokens", "cache_read_tokens", "cache_creation_tokens")
    got = {f["run_id"]: (*(f[k] for k in keys), round(f["cost_usd"], 6)) for f in data["files"]}
    assert got == {
        "agentcmd__full-session": (1223, 833, 185540, 21565, 0.152695),
        "agentcmd__full-session-five": (14, 12, 50325, 9289, 0.050153),
        "spotter__subagent__agent-a2898e3": (53, 136, 604156, 71257, 0.45066),
        "spotter__tool_heavy": (54, 212, 88231, 17696, 0.226645),
        "claudeless__v2.1.29_compact-command__8aa54c1d": (20, 15, 30657, 5494, 0.014149),
    }


def test_streamed_lines_count_once_with_the_most_tokens(tmp_path: Path) -> None:
    """Lines of one response (same message and request id) count once, with the largest output count."""
    log = tmp_path / "s-1.jsonl"
    log.write_text("\n".join([_line("msg_a", 25), _line("msg_a", 210), _line("msg_b", 7)]) + "\n")

    ledger = dedupe(s for r in scan([ClaudeTranscriptReader()], [log]) for s in r.sessions)

    assert sorted(c.output for c in ledger.calls) == [7, 210]


def test_a_sidechain_replay_loses_to_its_parent(tmp_path: Path) -> None:
    """A sub-agent line replaying the parent's message (same id and time, new request id) counts once."""
    parent = tmp_path / "s-1.jsonl"
    parent.write_text(_line("msg_a", 50) + "\n")
    child = tmp_path / "s-1" / "subagents" / "agent-x.jsonl"
    child.parent.mkdir(parents=True)
    child.write_text(_line("msg_a", 50, sidechain=True, request="req_2") + "\n")

    ledger = dedupe(s for r in scan([ClaudeTranscriptReader()], [tmp_path]) for s in r.sessions)

    assert [(c.output, c.sidechain) for c in ledger.calls] == [(50, False)]


def test_one_hour_cache_writes_cost_twice_the_input_price(tmp_path: Path) -> None:
    """One-hour cache writes cost 2x the input price, five-minute ones 1.25x (claude-sonnet-4-5: $3)."""
    log = tmp_path / "s-1.jsonl"
    log.write_text(_line("msg_a", 0, hour=100_000) + "\n")
    prices = load_price_table()

    (call,) = dedupe(s for r in scan([ClaudeTranscriptReader()], [log]) for s in r.sessions).calls

    expected = (10 * 3.0 + 1000 * 3.75 + 100_000 * 6.0) / 1_000_000
    assert priced(call, prices).cost_usd == pytest.approx(expected)


@needs_corpus
def test_mixed_tree_reads_every_format_and_warns_once_per_unknown_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A tree of every corpus format is analyzed by content; a file in no known format is one warning line."""
    assert CORPUS is not None
    for folder in ("claude-transcript", "claude-stream-json", "codex-rollout", "codex-exec-json",
                   "swe-agent-traj", "mini-swe-agent-traj", "atif"):  # fmt: skip
        shutil.copytree(CORPUS / folder, tmp_path / "logs" / folder, ignore=shutil.ignore_patterns("*.md"))
    (tmp_path / "logs" / "notes.json").write_text('{"hello": "world"}')

    code = main(["analyze", str(tmp_path / "logs"), "--json"])
    captured = capsys.readouterr()

    kinds = {f["kind"] for f in json.loads(captured.out)["files"]}
    assert code == 0
    assert kinds == {"claude-transcript", "claude-stream-json", "codex-rollout", "codex-exec-json",
                     "swe-agent", "mini-swe-agent", "atif"}  # fmt: skip
    assert [line for line in captured.err.splitlines() if "notes.json" in line] == [
        f"warning: {tmp_path / 'logs' / 'notes.json'}: not a log format autopilot reads "
        "(atif, autopilot, claude-stream-json, claude-transcript, codex-exec-json, codex-rollout, "
        "mini-swe-agent, swe-agent)"
    ]


@needs_corpus
def test_imported_codex_rollout_lasts_until_its_last_event(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """An imported rollout's duration ends at its last line, not at the time of the import."""
    assert CORPUS is not None
    rollout = next((CORPUS / "codex-rollout").glob("*.jsonl"))
    lines = [json.loads(line) for line in rollout.read_text().splitlines() if line.strip()]
    first, last = (datetime.fromisoformat(lines[i]["timestamp"].replace("Z", "+00:00")) for i in (0, -1))

    code = main(["import", str(rollout), "--output-dir", str(tmp_path), "--json"])
    written = json.loads(capsys.readouterr().out)["imported"][0]["trajectory"]

    assert code == 0
    assert json.loads(Path(written).read_text())["result"]["duration_ms"] == pytest.approx(
        (last - first).total_seconds() * 1000, abs=1000
    )


@needs_corpus
def test_report_daily_sums_to_the_analyze_totals(capsys: pytest.CaptureFixture[str]) -> None:
    """``report daily --by model`` splits the same tokens and cost that ``analyze`` totals."""
    assert CORPUS is not None
    totals = _analyze(capsys, CORPUS / "claude-transcript", CORPUS / "codex-rollout")
    code = main(["report", "daily", str(CORPUS / "claude-transcript"), str(CORPUS / "codex-rollout"),
                 "--by", "model", "--json"])  # fmt: skip
    report = json.loads(capsys.readouterr().out)

    assert code == 0
    assert sum(r["cost_usd"] for r in report["rows"]) == pytest.approx(totals["cost_usd"], abs=1e-5)
    assert report["totals"]["input_tokens"] == totals["input_tokens"]
    models = {"gpt-5-codex", "claude-sonnet-4-5-20250929", "claude-opus-4-6", "claude-haiku-4-5-20251001"}
    assert {r["group"] for r in report["rows"]} == models


@needs_corpus
@pytest.mark.parametrize(
    "log",
    [
        "claude-transcript/agentcmd__full-session.jsonl",
        "claude-stream-json/terragon__claude-json-task-test.json",
        "codex-rollout/agentcmd__rollout-2025-09-25T15-12-14-019982b8-3422-79e0-8b3b-05abaf4f3c3e.jsonl",
    ],
)
def test_export_atif_reads_back_with_the_same_cost(
    log: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """``export --format atif`` writes an ATIF file whose tokens and cost analyze reads back (Harbor's
    validator checks the exports in tests/plugins/test_atif.py)."""
    assert CORPUS is not None
    original = _analyze(capsys, CORPUS / log)
    code = main(["export", "--format", "atif", "-o", str(tmp_path), str(CORPUS / log)])
    capsys.readouterr()
    (written,) = tmp_path.glob("*.trajectory.json")

    again = _analyze(capsys, written)

    assert code == 0
    assert again["cost_usd"] == pytest.approx(original["cost_usd"], abs=1e-6)
    assert again["output_tokens"] == original["output_tokens"]


def test_the_cache_rereads_only_changed_files(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A second analyze takes unchanged files from the cache; a changed file is read again."""
    log = tmp_path / "s-1.jsonl"
    log.write_text(_line("msg_a", 5) + "\n")
    first = _analyze(capsys, log)["output_tokens"]
    log.write_text(_line("msg_a", 5) + "\n" + _line("msg_b", 40) + "\n")

    second = _analyze(capsys, log)["output_tokens"]

    assert (first, second) == (5, 45)


def _cache_file() -> Path:
    from autopilot.core.logs import default_cache_path

    return default_cache_path()


def test_a_file_rewritten_with_the_same_size_is_read_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A changed modification time is enough for the cache to read a file again, even at the same size."""
    log = tmp_path / "s-1.jsonl"
    log.write_text(_line("msg_a", 11) + "\n")
    first = _analyze(capsys, log)["output_tokens"]
    log.write_text(_line("msg_a", 22) + "\n")
    os.utime(log, ns=(log.stat().st_atime_ns, log.stat().st_mtime_ns + 1_000_000_000))

    second = _analyze(capsys, log)["output_tokens"]

    assert (first, second) == (11, 22)


def _changed_behind_the_cache(log: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """*log* analyzed with 11 output tokens (so cached), then rewritten with 22 at the same size and
    modification time, which the cache cannot tell from the file it read."""
    log.write_text(_line("msg_a", 11) + "\n")
    stat = log.stat()
    _analyze(capsys, log)
    log.write_text(_line("msg_a", 22) + "\n")
    os.utime(log, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    return log


def test_no_cache_reads_what_the_cache_would_trust(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file changed behind the cache's back (same size and time) keeps its figures until --no-cache."""
    log = _changed_behind_the_cache(tmp_path / "s-1.jsonl", capsys)

    cached = _analyze(capsys, log)["output_tokens"]
    fresh = _analyze(capsys, log, "--no-cache")["output_tokens"]

    assert (cached, fresh) == (11, 22)


def test_report_no_cache_reads_what_the_cache_would_trust(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`report --no-cache` reads again a file changed behind the cache's back, as analyze does."""
    log = _changed_behind_the_cache(tmp_path / "s-1.jsonl", capsys)

    def report(*args: str) -> int:
        assert main(["report", "daily", str(log), "--json", *args]) == 0
        return json.loads(capsys.readouterr().out)["totals"]["output_tokens"]

    assert (report(), report("--no-cache")) == (11, 22)


def test_a_new_autopilot_version_reads_again_what_the_cache_holds(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """After an upgrade, figures cached by the old version are not trusted: the file is read again."""
    import autopilot

    log = _changed_behind_the_cache(tmp_path / "s-1.jsonl", capsys)
    monkeypatch.setattr(autopilot, "__version__", autopilot.__version__ + ".post1")
    upgraded = _analyze(capsys, log)["output_tokens"]

    assert upgraded == 22


def test_cached_results_are_fetched_in_batches_each_for_its_own_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Cached entries come a few to a query, each to its own file; one whose result cannot be decoded
    any more is read again."""
    import sqlite3

    monkeypatch.setattr(logs, "_LOOKUP_BATCH", 2)
    logs_ = [tmp_path / f"s-{n}.jsonl" for n in range(5)]
    for number, log in enumerate(logs_):
        log.write_text(_line(f"msg_{number}", 11, request=f"req_{number}") + "\n")
    _analyze(capsys, tmp_path)
    for number, log in enumerate(logs_):  # changed behind the cache's back: same size and time
        stat = log.stat()
        log.write_text(_line(f"msg_{number}", 22, request=f"req_{number}") + "\n")
        os.utime(log, ns=(stat.st_atime_ns, stat.st_mtime_ns))
    with contextlib.closing(sqlite3.connect(_cache_file())) as db, db:
        db.execute("UPDATE files SET result = ? WHERE path = ?", (b"\xc1", str(logs_[3])))

    files = _analyze(capsys, tmp_path)["files"]

    assert [(f["path"], f["output_tokens"]) for f in files] == [
        (str(log), 22 if log == logs_[3] else 11) for log in logs_
    ]


@pytest.mark.parametrize(
    "damage", [b"", b"not a database at all" * 100, b"SQLite format 3\x00" + b"\xff" * 4000]
)
def test_a_damaged_cache_is_started_again(
    damage: bytes, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A cache file that is empty or damaged is replaced without a word; the next call uses the new one."""
    log = tmp_path / "s-1.jsonl"
    log.write_text(_line("msg_a", 11) + "\n")
    _cache_file().parent.mkdir(parents=True)
    _cache_file().write_bytes(damage)

    stat = log.stat()
    first = main(["analyze", str(log), "--json"])
    out, err = capsys.readouterr()
    log.write_text(_line("msg_a", 22) + "\n")
    os.utime(log, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # what the cache recorded
    second = _analyze(capsys, log)["output_tokens"]  # from the rebuilt cache

    assert (first, json.loads(out)["output_tokens"], err) == (0, 11, "")
    assert second == 11


def test_a_cache_that_cannot_be_opened_is_done_without(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """When the cache cannot be written (its path is a directory), every file is simply read."""
    log = tmp_path / "s-1.jsonl"
    log.write_text(_line("msg_a", 11) + "\n")
    _cache_file().mkdir(parents=True)

    assert _analyze(capsys, log)["output_tokens"] == 11
    assert _analyze(capsys, log)["output_tokens"] == 11


# ------------------------------------------------------------------------------------------------
# The ledger against the rules written plainly, and the parallel reading against the serial one

_calls = st.builds(
    Call,
    ts=st.sampled_from(["2026-11-02T10:00:00.000Z", "2026-11-02T10:00:01.000Z"]),
    model=st.sampled_from([None, "claude-sonnet-4-5", "claude-opus-4-6"]),
    input=st.integers(0, 50),
    output=st.integers(0, 50),
    cache_read=st.integers(0, 5000),
    cache_write=st.integers(0, 500),
    message_id=st.sampled_from([None, "msg_a", "msg_b", "msg_c"]),
    request_id=st.sampled_from([None, "req_1", "req_2"]),
    session=st.sampled_from(["s-1", "s-2"]),
    sidechain=st.booleans(),
)


def _plain_dedupe(sessions: list[list[Call]]) -> list[list[Call]]:
    """The accounting rules of ``autopilot.core.usage`` as plainly as they can be written: each kept
    call answers to the keys and (session, time) twins of every copy folded into it."""
    kept: list[Call] = []
    owners: list[int] = []
    keys: list[set[tuple[object, ...]]] = []
    twins: list[set[tuple[object, ...]]] = []
    by_message: dict[str, list[int]] = {}
    for owner, calls in enumerate(sessions):
        for call in calls:
            if call.message_id is None:
                kept.append(call)
                owners.append(owner)
                keys.append(set())
                twins.append(set())
                continue
            key = (call.request_id,) if call.request_id else (None, call.session)
            twin = (call.session, call.ts)
            rows = by_message.setdefault(call.message_id, [])
            index = next((i for i in rows if key in keys[i]), None)
            if index is None:
                index = next(
                    (i for i in rows if twin in twins[i] and (call.sidechain or kept[i].sidechain)), None
                )
            if index is None:
                rows.append(len(kept))
                kept.append(call)
                owners.append(owner)
                keys.append({key})
                twins.append({twin})
                continue
            other = kept[index]
            wins = other.sidechain if call.sidechain != other.sidechain else call.tokens > other.tokens
            if wins:
                kept[index], owners[index] = call, owner
            keys[index].add(key)
            twins[index].add(twin)
    grouped: list[list[Call]] = [[] for _ in sessions]
    for call, owner in zip(kept, owners, strict=True):
        grouped[owner].append(call)
    return grouped


def _tokens(call: Call) -> tuple[int, ...]:
    return (call.input, call.output, call.cache_read, call.cache_write, call.sidechain)


@given(st.lists(st.lists(_calls, max_size=8), min_size=1, max_size=6))
def test_the_ledger_counts_as_the_rules_say(sessions: list[list[Call]]) -> None:
    """Whatever the copies, sidechains and orders, the ledger keeps exactly the calls the rules keep."""
    ledger = dedupe(Session(path=f"{n}.jsonl", kind="k", agent="claude", session_id=str(n), calls=list(calls))
                    for n, calls in enumerate(sessions))  # fmt: skip

    got = [[_tokens(c) for c in calls] for _, calls in ledger.by_session()]

    assert got == [[_tokens(c) for c in calls] for calls in _plain_dedupe(sessions)]


def _transcript(lines: list[tuple[str, int, bool, str]]) -> str:
    return "".join(_line(m, output, sidechain=side, request=r) + "\n" for m, output, side, r in lines)


_files = st.lists(
    st.lists(
        st.tuples(
            st.sampled_from(["msg_a", "msg_b", "msg_c", "msg_d"]),
            st.integers(1, 300),
            st.booleans(),
            st.sampled_from(["req_1", "req_2"]),
        ),
        min_size=1,
        max_size=6,
    ),
    min_size=2,
    max_size=12,
)


@pytest.mark.skipif(len(os.sched_getaffinity(0)) < 2, reason="one core: nothing to read in parallel")
@settings(max_examples=20)
@given(_files)
def test_reading_on_every_core_gives_what_one_process_gives(
    files: list[list[tuple[str, int, bool, str]]],
) -> None:
    """Many transcripts read by a pool of processes give the same sessions and totals as read one by one."""
    prices = load_price_table()
    with tempfile.TemporaryDirectory() as tmp:
        for number, lines in enumerate(files):
            folder = Path(tmp, f"project{number % 3}")
            folder.mkdir(exist_ok=True)
            (folder / f"s-{number}.jsonl").write_text(_transcript(lines))

        def read(parallel: int) -> tuple[list[object], list[object]]:
            with pytest.MonkeyPatch.context() as patch:
                patch.setattr(logs, "PARALLEL_BYTES", parallel)
                patch.setattr(logs, "CHUNK_BYTES", 200)  # many chunks: more than are asked for ahead
                results = list(scan([ClaudeTranscriptReader()], [Path(tmp)]))
            ledger = dedupe(s for r in results for s in r.sessions)
            totals = [
                (s.session_id, t.usage, t.calls)
                for s, t in zip(ledger.sessions, ledger.totals(prices), strict=True)
            ]
            return [msgspec.to_builtins(r) for r in results], totals

        paths, sizes = logs.discover([Path(tmp)])[0], [1] * len(files)
        with pytest.MonkeyPatch.context() as patch:
            # A thread another test left running would make the reader stay in one process (forking
            # beside threads is unsafe); this test is about the pool, so it forks regardless.
            patch.setattr(logs, "_can_fork", lambda: True)
            patch.setattr(logs, "PARALLEL_BYTES", 0)
            assert logs._workers(paths, sizes) > 1
            assert read(0) == read(1 << 40)


_AGENT_SESSIONS = ["a-1", "a-2", "a-3"]
_tokens_only = st.builds(
    Call, ts=st.just("2026-11-02T10:00:00.000Z"), input=st.integers(0, 50), output=st.integers(1, 50)
)


def _stamped(calls: list[Call], log: int) -> list[Call]:
    """The calls of agent log number *log*, each with a message id and a time of its own."""
    return [
        msgspec.structs.replace(c, message_id=f"m{log}-{i}", ts=f"T{log}-{i}") for i, c in enumerate(calls)
    ]


@given(
    st.lists(st.tuples(st.sampled_from(_AGENT_SESSIONS), st.lists(_tokens_only, max_size=3)), max_size=4),
    st.lists(
        st.lists(st.sampled_from([*_AGENT_SESSIONS, "gone"]), min_size=1, max_size=2, unique=True), max_size=3
    ),
    st.randoms(use_true_random=False),
)
def test_a_run_read_twice_counts_once_in_any_order(
    agent_logs: list[tuple[str, list[Call]]], runs: list[list[str]], random: Any
) -> None:
    """A trajectory whose agent sessions were all read gives way to them, which take its run id and
    status; one with a session not read stays; the order of reading changes nothing."""
    read = {name for name, _ in agent_logs}
    covered = [set(names) <= read for names in runs]

    def sessions() -> list[Session]:
        logs = [
            Session(path=f"{n}.jsonl", kind="claude-transcript", agent="claude", session_id=name,
                    calls=_stamped(calls, n))
            for n, (name, calls) in enumerate(agent_logs)
        ]  # fmt: skip
        trajectories = [
            Session(path=f"run-{n}.json", kind="json", agent="claude", session_id=f"run-{n}", status=f"s{n}",
                    agent_session_ids=names, calls=[Call("2026-11-02T10:00:00.000Z", input=1000 + n)])
            for n, names in enumerate(runs)
        ]  # fmt: skip
        return logs + trajectories

    def counted(ledger: Ledger) -> list[tuple[object, ...]]:
        totals = ledger.totals(load_price_table())
        return sorted(
            (s.session_id, s.run_id, s.status, t.usage.input_tokens, t.usage.output_tokens, len(calls),
             tuple(c.ts for c in calls))
            for (s, calls), t in zip(ledger.by_session(), totals, strict=True)
        )  # fmt: skip

    shuffled = sessions()
    random.shuffle(shuffled)
    got = counted(dedupe(shuffled))

    # The run each agent session stands for: the last covered run naming it.
    run_of = {name: n for n, names in enumerate(runs) if covered[n] for name in names}
    expected = [
        (name, f"run-{run_of[name]}" if name in run_of else None, f"s{run_of[name]}" if name in run_of
         else "unknown", sum(c.input for c in calls), sum(c.output for c in calls), len(calls),
         tuple(c.ts for c in _stamped(calls, number)))
        for number, (name, calls) in enumerate(agent_logs)
    ] + [(f"run-{n}", None, f"s{n}", 1000 + n, 0, 1, ("2026-11-02T10:00:00.000Z",))
         for n in range(len(runs)) if not covered[n]]  # fmt: skip
    assert got == sorted(expected)
    assert got == counted(dedupe(sessions()))


def test_files_are_named_as_paths_name_them(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Files found in a directory are "DIR/..." ("..." under "."), hidden ones and other names left out."""
    (tmp_path / "a" / ".hidden").mkdir(parents=True)
    for name in ("t.jsonl", "a/s.json", "a/notes.txt", "a/.hidden/h.jsonl", "a/.u.jsonl"):
        (tmp_path / name).write_text("{}\n")
    monkeypatch.chdir(tmp_path)

    assert logs.discover([Path(".")])[0] == ["t.jsonl", "a/s.json"]
    assert logs.discover([Path("a")])[0] == ["a/s.json"]
    assert logs.discover([tmp_path / "a"])[0] == [str(tmp_path / "a" / "s.json")]


def test_the_cache_forgets_logs_deleted_from_a_directory(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """Analyzing a directory drops the cached entries of its logs that were deleted since; others stay."""
    import sqlite3

    logs, other = tmp_path / "logs", tmp_path / "other"
    logs.mkdir()
    other.mkdir()
    for name in ("s-1", "s-2"):
        (logs / f"{name}.jsonl").write_text(_line(f"msg_{name[-1]}", 5) + "\n")
    (other / "s-3.jsonl").write_text(_line("msg_3", 7) + "\n")
    _analyze(capsys, logs)
    _analyze(capsys, other)
    (logs / "s-2.jsonl").unlink()

    remaining = _analyze(capsys, logs)["output_tokens"]

    with contextlib.closing(sqlite3.connect(_cache_file())) as db:
        cached = sorted(Path(path).name for (path,) in db.execute("SELECT path FROM files"))
    assert remaining == 5
    assert cached == ["s-1.jsonl", "s-3.jsonl"]
