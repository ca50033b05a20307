"""The live page: the journal is followed as it grows, over server-sent events."""

from __future__ import annotations

import asyncio
import http.client
import json
from collections.abc import AsyncIterator
from typing import Any

from tests.app.ui.conftest import Repo, fix_script
from tests.trajectory_builders import Recorded

from autopilot.app.ui.follow import JournalFollower
from autopilot.core.models import Step, Usage

#: Seconds a test waits for an event before it fails (events normally come within a poll, 0.1 s).
WAIT = 10.0


def _follower(recorded: Recorded, start: int, alive: bool = True) -> JournalFollower:
    return JournalFollower(recorded.journal_path, recorded.json_path, start=start, alive=lambda: alive)


async def _next(events: AsyncIterator[dict[str, Any]], kind: str | None = None) -> dict[str, Any]:
    """The next event (of *kind*, skipping others)."""
    while True:
        event = await asyncio.wait_for(anext(events), WAIT)
        if kind is None or event["event"] == kind:
            return event


def test_follower_reports_new_steps_then_the_end(repo: Repo) -> None:
    """Steps appended after the page was drawn arrive in order; the end arrives although the writer
    removes the journal right after writing it."""
    recorded = repo.record("live", fix_script(), status=None)
    already = len(recorded.run.steps)

    async def scenario() -> list[tuple[str, Any]]:
        events = _follower(recorded, already).events()
        seen = []
        usage = Usage(input_tokens=5, cost_usd=0.01)
        recorded.recorder.add(Step("assistant", text="one more thing", usage=usage))
        step = await _next(events, "step")
        seen.append(("step", (step["number"], step["step"]["text"])))
        recorded.recorder.finish(status="success")
        end = await _next(events, "end")
        seen.append(("end", end["result"]["status"]))
        return seen

    seen = asyncio.run(scenario())

    assert seen == [("step", (already, "one more thing")), ("end", "success")]
    assert not recorded.journal_path.exists()


def test_follower_of_a_finished_run_reports_its_end_at_once(repo: Repo) -> None:
    """A run already written as .json has nothing to follow: its end comes first."""
    recorded = repo.record("done", fix_script(), status="max_turns")

    async def scenario() -> dict[str, Any]:
        return await _next(_follower(recorded, 0).events())

    event = asyncio.run(scenario())

    assert (event["event"], event["result"]["status"]) == ("end", "max_turns")


def test_follower_does_not_repeat_steps_when_the_journal_is_rewritten(repo: Repo) -> None:
    """A journal replaced by one that starts over (a resumed run) sends only the steps not yet sent."""
    recorded = repo.record("resumed", fix_script(), status=None)
    journal = recorded.journal_path
    lines = journal.read_bytes().splitlines(keepends=True)
    total = len(recorded.run.steps)

    async def scenario() -> list[int]:
        events = _follower(recorded, total).events()
        extra = {"record": "step", "step": Step("assistant", text="after the resume", index=total).to_dict()}
        replacement = journal.with_name("replacement")
        replacement.write_bytes(b"".join(lines) + json.dumps(extra).encode() + b"\n")
        replacement.replace(journal)
        step = await _next(events, "step")
        return [step["number"]]

    assert asyncio.run(scenario()) == [total]


def test_follower_says_when_a_run_is_no_longer_recorded(repo: Repo, monkeypatch) -> None:
    """A journal whose process is gone and that stays quiet is reported as not live."""
    from autopilot.app.ui import follow

    monkeypatch.setattr(follow, "QUIET_SECONDS", 0.0)
    recorded = repo.record("killed", fix_script(), status=None)

    async def scenario() -> dict[str, Any]:
        return await _next(_follower(recorded, len(recorded.run.steps), alive=False).events(), "status")

    assert asyncio.run(scenario()) == {"event": "status", "live": False}


def test_events_endpoint_streams_a_journaled_step(repo: Repo, server) -> None:
    """The SSE endpoint sends a step written to the journal, rendered for the page, then the end."""
    recorded = repo.record("live", fix_script(), status=None)
    key = recorded.base.relative_to(repo.logs).as_posix()
    start = len(recorded.run.steps)
    connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=WAIT)
    connection.request("GET", f"/api/runs/{key}/events?from={start}")
    response = connection.getresponse()
    assert response.getheader("content-type").startswith("text/event-stream")
    assert response.readline() == b"retry: 2000\n"

    recorded.recorder.add(Step("assistant", text="streamed **now**"))
    events = []
    while len(events) < 2:
        line = response.readline().decode()
        if line.startswith("event: "):
            name = line.split(": ", 1)[1].strip()
            data = json.loads(response.readline().decode().split(": ", 1)[1])
            if name == "status":
                continue
            events.append((name, data))
            if name == "step":
                recorded.recorder.finish(status="success")
    connection.close()

    (step_event, step), (end_event, end) = events
    ended = end["result"]["status"]
    assert (step_event, step["number"], end_event, ended) == ("step", start, "end", "success")
    assert "<strong>now</strong>" in step["html"]


def test_live_page_shows_the_last_steps_and_follows_from_there(repo: Repo, client) -> None:
    """The live page draws the steps so far and subscribes from the next step number."""
    recorded = repo.record("live", fix_script(), status=None)
    key = recorded.base.relative_to(repo.logs).as_posix()

    page = client.get(f"/runs/{key}/live").text

    assert f'data-follow="/api/runs/{key}/events?from={len(recorded.run.steps)}"' in page
    assert 'id="step-8"' in page
