"""Claude Code's own logs, read in place: session transcripts and ``stream-json`` output.

Transcripts (``~/.claude/projects/<project>/<session>.jsonl``, sub-agents in
``<session>/subagents/agent-*.jsonl``) are read the way ccusage reads them, and fast: only lines
holding ``"usage":{`` (or ``"usage": {``, found in the same pass) are decoded, into typed structs
that skip every other field, and each line's (message id, request id, session id) goes to the
ledger, which keeps one copy of each API response (:mod:`autopilot.core.usage`). Lines naming a
failed tool result are decoded too, for the error count.

Older transcripts differ: Claude Code 1.0.x wrote a ``costUSD`` on each assistant line (used as that
call's cost, as ccusage's default ``auto`` mode does), no ``requestId`` on some lines, and files holding
only ``summary`` lines (no session: nothing to count, and no warning). An API error is an assistant
line of model ``<synthetic>`` with zero usage: not a model call.

Newer ones (2.1.x) add what bills beyond a response's own usage: each advisor call (``/advisor``) is an
``advisor_message`` of ``usage.iterations`` naming its model, counted as a call of its own; a fast-mode
response (``usage.speed == "fast"``) is priced as ``<model>-fast``.
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

import msgspec

from autopilot.core.logs import LogReader
from autopilot.core.usage import Call, Session, ToolStat
from autopilot.plugins.claude.models import priced_model


class _CacheCreation(msgspec.Struct):
    ephemeral_1h_input_tokens: int | None = None


class _Iteration(msgspec.Struct):
    """One sub-inference of a response (``usage.iterations``): the executor's own (``message``) or an
    advisor's (``advisor_message``), which the response's top-level usage does not count."""

    type: str = ""
    model: str | None = None
    input_tokens: int | None = 0
    output_tokens: int | None = 0
    cache_creation_input_tokens: int | None = 0
    cache_read_input_tokens: int | None = 0
    cache_creation: _CacheCreation | None = None


class _Usage(msgspec.Struct):
    input_tokens: int | None = 0
    output_tokens: int | None = 0
    cache_creation_input_tokens: int | None = 0
    cache_read_input_tokens: int | None = 0
    cache_creation: _CacheCreation | None = None
    #: ``fast`` for a response of fast mode (``/fast``), billed at the model's fast rates.
    speed: str | None = None
    iterations: list[_Iteration] | None = None


class _Block(msgspec.Struct):
    type: str = ""
    id: str | None = None
    name: str | None = None
    tool_use_id: str | None = None
    is_error: bool | None = None


class _Message(msgspec.Struct):
    id: str | None = None
    model: str | None = None
    usage: _Usage | None = None
    content: list[_Block] | str | None = None


class _Line(
    msgspec.Struct, rename={"session_id": "sessionId", "request_id": "requestId", "sidechain": "isSidechain"}
):
    type: str = ""
    timestamp: str | None = None
    session_id: str | None = None
    request_id: str | None = None
    sidechain: bool | None = None
    message: _Message | None = None
    costUSD: float | None = None


#: Content blocks that call a tool: Claude Code's own, and the API's server-side tools (web search,
#: web fetch), as the stream mapper counts them.
_TOOL_CALLS = frozenset({"tool_use", "server_tool_use", "mcp_tool_use"})

_DECODE = msgspec.json.Decoder(_Line).decode
#: The lines decoded: those with a usage object, and those naming a failed tool result (each a key
#: and what its value starts with).
_USAGE = (b'"usage":', b"{")
_ERROR = (b'"is_error":', b"true")
#: A user or assistant entry: a transcript without one holds no session.
_CONVERSATION = re.compile(rb'"type"\s*:\s*"(?:user|assistant)"')
_CWD = re.compile(rb'"cwd"\s*:\s*"((?:[^"\\]|\\.)*)"')
_BRANCH = re.compile(rb'"gitBranch"\s*:\s*"((?:[^"\\]|\\.)*)"')


def _line_at(data: bytes, position: int) -> tuple[int, int]:
    """Where the line of *data* holding *position* starts and ends (without its newline)."""
    stop = data.find(b"\n", position)
    return data.rfind(b"\n", 0, position) + 1, len(data) if stop < 0 else stop


def _lines_with(data: bytes, marker: tuple[bytes, bytes]) -> list[bytes]:
    """Every line of *data* holding the key of *marker* followed by its value, found in one pass
    without splitting the rest. A space may come between them: a transcript some tool wrote back
    with ``json.dumps`` has one after each colon."""
    key, value = marker
    spaced = b" " + value
    found = []
    position = data.find(key)
    while position >= 0:
        after = position + len(key)
        if data.startswith(value, after) or data.startswith(spaced, after):
            start, stop = _line_at(data, position)
            found.append(data[start:stop])
            position = data.find(key, stop)
        else:
            position = data.find(key, after)
    return found


class _Stamped(msgspec.Struct):
    timestamp: str | None = None


_DECODE_TIME = msgspec.json.Decoder(_Stamped).decode
_STAMP = b'"timestamp"'


def _time_of(line: bytes) -> str | None:
    """The ``timestamp`` of a transcript line itself, not one nested in its content (a file-history
    snapshot's, a tool result's); None for a line without one or that is not JSON."""
    try:
        stamp = _DECODE_TIME(line).timestamp
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    return stamp if isinstance(stamp, str) else None


def _first_time(data: bytes) -> str | None:
    """The time of the first line that has one (the session's start, as ``import`` takes it)."""
    position = data.find(_STAMP)
    while position >= 0:
        start, stop = _line_at(data, position)
        stamp = _time_of(data[start:stop])
        if stamp is not None:
            return stamp
        position = data.find(_STAMP, stop)
    return None


def _last_time(data: bytes) -> str | None:
    """The time of the last line that has one (the session's end)."""
    position = data.rfind(_STAMP)
    while position >= 0:
        start, stop = _line_at(data, position)
        stamp = _time_of(data[start:stop])
        if stamp is not None:
            return stamp
        position = data.rfind(_STAMP, 0, start)
    return None


def _decode(line: bytes) -> _Line | None:
    """One transcript line, or None if it is not JSON (a torn last line, stray bytes) or not of the
    shape of a transcript line (a field of the wrong type)."""
    return _decode_or_why(line)[0]


def _decode_or_why(line: bytes) -> tuple[_Line | None, str | None]:
    """One transcript line, or None and why not (``not JSON``, msgspec's message naming the field)."""
    try:
        return _DECODE(line), None
    except msgspec.ValidationError as exc:
        return None, str(exc)
    except msgspec.DecodeError:
        pass
    # msgspec refuses a lone surrogate escape ("\\ud83d"), which Claude Code writes when it cuts a
    # string inside an emoji; the standard library accepts it.
    try:
        return msgspec.convert(json.loads(line), _Line), None
    except msgspec.ValidationError as exc:
        return None, str(exc)
    except ValueError:
        return None, "not JSON"


def _text(match: re.Match[bytes] | None) -> str | None:
    if match is None:
        return None
    try:
        return msgspec.json.decode(b'"' + match.group(1) + b'"', type=str)
    except msgspec.DecodeError:
        return None


def _advisor_calls(call: Call, iterations: list[_Iteration] | None) -> list[Call]:
    """The advisor calls a response made (Claude Code's advisor tool, ``/advisor``): each
    ``advisor_message`` of ``usage.iterations``, which the response's own usage does not count, as a
    call of the advisor's model, keyed ``<message id>:advisor:<n>`` (as ccusage keys it)."""
    if not iterations:
        return []
    found = []
    for item in iterations:
        if item.type != "advisor_message" or not item.model:
            continue
        hour = item.cache_creation.ephemeral_1h_input_tokens if item.cache_creation else None
        found.append(
            Call(
                call.ts,
                sys.intern(item.model),
                item.input_tokens or 0,
                item.output_tokens or 0,
                item.cache_read_input_tokens or 0,
                item.cache_creation_input_tokens or 0,
                hour or 0,
                f"{call.message_id}:advisor:{len(found)}" if call.message_id else None,
                call.request_id,
                call.session,
                call.sidechain,
            )
        )
    return found


def session_key(path: Path) -> str:
    """The session a transcript file belongs to: its name, or ``<session>`` for ``<session>/subagents/*``."""
    if path.parent.name == "subagents":
        return path.parent.parent.name
    return path.stem


class ClaudeTranscriptReader(LogReader):
    """Claude Code session transcripts."""

    name = "claude-transcript"
    agent = "claude"

    #: An entry of a transcript: its ``type``, then what each kind holds (user and assistant lines
    #: name their ``sessionId``; older resumed sessions start with ``summary`` lines naming a
    #: ``leafUuid``; newer ones may start with a long ``file-history-snapshot``).
    _ENTRY = re.compile(
        rb'"type"\s*:\s*"(?:user|assistant|system|summary|file-history-snapshot|queue-operation|progress)"'
    )
    _ID = re.compile(rb'"(?:sessionId|leafUuid|messageId)"\s*:\s*"')
    #: What only Claude Code's entries have: the UUID of the entry before it (``parentUuid``, null at
    #: the root: every entry with a ``uuid`` has one), of its leaf or of its message, or a ``message``
    #: object. Gemini CLI's chats also have a ``sessionId`` and ``"type": "user"`` messages, but name
    #: them ``id`` and hold their text in ``content``; an app's own event log may name a ``uuid`` too.
    _CLAUDE = re.compile(rb'"(?:parentUuid|leafUuid|messageId)"\s*:|"message"\s*:\s*\{')

    #: Files Claude Code keeps beside its transcripts that hold no session: the project's
    #: ``sessions-index.json`` (2.1) and each sub-agent's ``agent-<id>.meta.json``.
    _COMPANION = re.compile(rb'^\s*\{\s*"(version|entries|agentType)"\s*:')

    def sniff(self, head: bytes, path: Path) -> bool:
        if head.lstrip()[:1] != b"{":
            return False
        if path.name == "sessions-index.json" or path.name.endswith(".meta.json"):
            return bool(self._COMPANION.match(head))  # read as a transcript without a session
        return all(pattern.search(head) for pattern in (self._ENTRY, self._ID, self._CLAUDE))

    def locations(self, environ: Mapping[str, str]) -> list[Path]:
        """``$CLAUDE_CONFIG_DIR/projects`` (comma-separated), else ``~/.config/claude`` and ``~/.claude``."""
        home = Path(environ.get("HOME") or Path.home())
        if environ.get("CLAUDE_CONFIG_DIR"):
            bases = [
                Path(p.strip()).expanduser() for p in environ["CLAUDE_CONFIG_DIR"].split(",") if p.strip()
            ]
        else:
            bases = [home / ".config" / "claude", home / ".claude"]
        return [base / "projects" for base in bases]

    def scan(self, path: Path, data: bytes) -> list[Session]:
        intern = sys.intern
        calls: dict[tuple[str | None, str | None, str | None] | int, Call] = {}
        turns: set[tuple[str | None, str | None, str | None] | int] = set()  # the responses among them
        tools: dict[str, ToolStat] = {}
        names: dict[str, str] = {}
        models: Counter[str] = Counter()
        if not _CONVERSATION.search(data):
            return []  # only titles (summary lines) or bookkeeping: no session to count
        lines = _lines_with(data, _USAGE)
        skipped: list[tuple[bytes, str]] = []  # usage lines left out, and why
        for line in lines:
            entry, why = _decode_or_why(line)
            if entry is None:
                if why != "not JSON" or not data.endswith(line):  # a torn last line is no damage
                    skipped.append((line, why or "not JSON"))
                continue
            message = entry.message
            if message is None or message.usage is None:
                continue
            if entry.timestamp is None:
                skipped.append((line, "no timestamp"))
                continue
            usage = message.usage
            synthetic = message.model == "<synthetic>"
            model = message.model if message.model and not synthetic else None
            if model:
                model = priced_model(model, usage.speed)
            hour = usage.cache_creation.ephemeral_1h_input_tokens if usage.cache_creation else None
            call = Call(
                entry.timestamp,
                intern(model) if model else None,
                usage.input_tokens or 0,
                usage.output_tokens or 0,
                usage.cache_read_input_tokens or 0,
                usage.cache_creation_input_tokens or 0,
                hour or 0,
                message.id,
                entry.request_id,
                intern(entry.session_id) if entry.session_id else None,
                bool(entry.sidechain),
                cost=entry.costUSD,
            )
            if synthetic and not call.tokens:
                continue  # an API error Claude Code wrote as a message: no model call
            if call.model:
                models[call.model] += 1
            # The lines of one streamed response: keep the one with the most tokens (the ledger
            # applies the same rule across files).
            key = (message.id, entry.request_id, call.session) if message.id else len(calls)
            kept = calls.get(key)
            if kept is None or call.tokens > kept.tokens:
                calls[key] = call
            turns.add(key)
            # An advisor's sub-inferences are calls of their own, at the advisor model's rates.
            for advisor in _advisor_calls(call, usage.iterations):
                key = (advisor.message_id, entry.request_id, call.session) if message.id else len(calls)
                kept = calls.get(key)
                if kept is None or advisor.tokens > kept.tokens:
                    calls[key] = advisor
            if isinstance(message.content, list):
                for block in message.content:
                    if block.type in _TOOL_CALLS and block.id and block.id not in names:
                        name = block.name or "?"
                        names[block.id] = name
                        tools.setdefault(name, ToolStat()).calls += 1
        for line in _lines_with(data, _ERROR):
            entry = _decode(line)
            if entry is None:
                continue
            content = entry.message.content if entry.message else None
            for block in content if isinstance(content, list) else ():
                if block.type == "tool_result" and block.is_error:
                    tools.setdefault(names.get(block.tool_use_id or "", "?"), ToolStat()).errors += 1
        started, ended = _first_time(data), _last_time(data)
        head = data[:65536]
        warnings = []
        if skipped:
            line, why = skipped[0]
            number = data.count(b"\n", 0, data.find(line)) + 1
            warnings.append(
                f"{path}: left out {len(skipped)} line(s) with usage that could not be read "
                f"(first: line {number}: {why})"
            )
        cwd = _text(_CWD.search(head))
        return [
            Session(
                path=str(path),
                kind=self.name,
                agent=self.agent,
                session_id=session_key(path),
                calls=list(calls.values()),
                model=models.most_common(1)[0][0] if models else None,
                started_at=started,
                ended_at=ended,
                cwd=cwd,
                project=Path(cwd).name if cwd else path.parent.name,
                branch=_text(_BRANCH.search(head)),
                num_turns=len(turns),
                steps=data.count(b"\n") + (not data.endswith(b"\n")),
                tools=tools,
                subagent=path.parent.name == "subagents",
                warnings=warnings,
            )
        ]


class ClaudeStreamReader(LogReader):
    """``claude -p --output-format stream-json --verbose`` output (JSON Lines, or a JSON array of it)."""

    name = "claude-stream-json"
    agent = "claude"
    _TYPE = re.compile(rb'"type"\s*:\s*"(system|assistant|user|result)"')
    #: A line of JSON: captured stdout may start with lines that are not (sandbox or debug warnings).
    _JSON_LINE = re.compile(rb"(?m)^\s*[\[{]")

    def sniff(self, head: bytes, path: Path) -> bool:
        return (
            b'"session_id"' in head and bool(self._TYPE.search(head)) and bool(self._JSON_LINE.search(head))
        )

    def scan(self, path: Path, data: bytes) -> list[Session]:
        from autopilot.core.importer import session_of_imported

        return [session_of_imported(self.read(path, data), path, self.name)]

    def read(self, path: Path, data: bytes) -> Any:
        """The run as an :class:`~autopilot.core.models.ImportedRun` (``autopilot import``, ``export``)."""
        from autopilot.core.importer import parse_records

        records, _ = parse_records(data, path)
        imported = import_stream_json(records)
        if imported is None:
            raise ValueError("no Claude Code messages")
        return imported


def _first_prompt(records: list[dict[str, Any]]) -> str | None:
    for record in records:
        if record.get("type") == "user" and not record.get("isMeta"):
            content = (record.get("message") or {}).get("content")
            if isinstance(content, str):
                return content
    return None


def is_transcript(records: list[dict[str, Any]]) -> bool:
    """Whether *records* are transcript lines (camelCase ``sessionId`` and a ``timestamp`` per line)."""
    return any(isinstance(r.get("sessionId"), str) and "timestamp" in r for r in records[:50])


def import_transcript(records: list[dict[str, Any]]) -> Any:
    """A transcript as an :class:`~autopilot.core.models.ImportedRun`, each step at its line's time."""
    from autopilot.core.models import BackendEvent, ImportedRun
    from autopilot.plugins.claude.backend import claude_messages_to_events

    lines = [
        r for r in records if r.get("type") in ("user", "assistant") and isinstance(r.get("message"), dict)
    ]
    events = claude_messages_to_events(lines)
    costs = _stated_costs(lines)
    for event in events:
        # Only the first step of a line keeps the line; the blocks after it (older transcripts hold a
        # whole response on one line) share its time.
        when: str | None = None
        for step in event.steps:
            if isinstance(step.raw, dict) and isinstance(step.raw.get("timestamp"), str):
                when = step.raw["timestamp"]
            if when is not None:
                step.ts = when
        if costs is not None and event.usage is not None:
            event.usage = replace(event.usage, cost_usd=costs.get(_message_id(event), 0.0))
        event.session_id = event.session_id or next(
            (s.raw.get("sessionId") for s in event.steps if isinstance(s.raw, dict)), None
        )
    times = [r["timestamp"] for r in records if isinstance(r.get("timestamp"), str)]  # in file order
    cwd = next((r["cwd"] for r in records if isinstance(r.get("cwd"), str)), None)
    branch = next((r["gitBranch"] for r in records if isinstance(r.get("gitBranch"), str)), None)
    session = next((r["sessionId"] for r in records if isinstance(r.get("sessionId"), str)), None)
    if session and events:
        events[0].session_id = events[0].session_id or session
    # A transcript has no result line: it ends where the log ends, and how it ended is not known.
    done = next((e for e in events if e.done), None)
    if done is None:
        events.append(BackendEvent(done=True, status="unknown"))
    elif done.status == "error" and "without a result" in (done.error or ""):
        done.status, done.error = "unknown", None
    return ImportedRun(
        "claude",
        events,
        prompt=_first_prompt(records),
        cwd=cwd,
        branch=branch or None,
        started_at=times[0] if times else None,
        ended_at=times[-1] if times else None,
        stated_costs=costs is not None,
    )


def _stated_costs(lines: list[dict[str, Any]]) -> dict[str, float] | None:
    """The ``costUSD`` of each response (message id) of an older transcript, from its line with the
    most tokens, as ``analyze`` counts it; None unless every response with usage states one."""
    costs: dict[str, tuple[int, float]] = {}
    for line in lines:
        message = line.get("message") or {}
        usage = message.get("usage")
        if (
            line.get("type") != "assistant"
            or not isinstance(usage, dict)
            or message.get("model") == "<synthetic>"
        ):
            continue
        cost = line.get("costUSD")
        if not isinstance(cost, int | float) or isinstance(cost, bool) or not message.get("id"):
            return None
        tokens = sum(v for v in usage.values() if isinstance(v, int) and not isinstance(v, bool))
        kept = costs.get(message["id"])
        if kept is None or tokens > kept[0]:
            costs[message["id"]] = (tokens, float(cost))
    return {key: cost for key, (_, cost) in costs.items()} or None


def _message_id(event: Any) -> str | None:
    """The message id of the response *event* holds (from the line its first step keeps)."""
    for step in event.steps:
        if isinstance(step.raw, dict) and isinstance(step.raw.get("message"), dict):
            return step.raw["message"].get("id")
    return None


def import_stream_json(records: list[dict[str, Any]]) -> Any:
    """``stream-json`` output as an :class:`~autopilot.core.models.ImportedRun` (it has no times: the
    duration is the ``result`` line's ``duration_ms``)."""
    from autopilot.core.models import ImportedRun
    from autopilot.plugins.claude.backend import claude_messages_to_events

    head = records[:50]
    if not any(r.get("type") in ("system", "assistant", "result") for r in head):
        return None
    init = next((r for r in head if r.get("type") == "system" and r.get("subtype") == "init"), {})
    cwd = init.get("cwd") if isinstance(init.get("cwd"), str) else None
    result = next((r for r in reversed(records) if r.get("type") == "result"), {})
    duration = result.get("duration_ms")
    return ImportedRun(
        "claude",
        claude_messages_to_events(records),
        prompt=_first_prompt(records),
        cwd=cwd,
        duration_ms=int(duration)
        if isinstance(duration, int | float) and not isinstance(duration, bool)
        else None,
        timed=False,
    )


def import_claude(records: list[dict[str, Any]]) -> Any:
    """Any Claude Code log (a transcript or stream-json output) as an ImportedRun, or None."""
    if is_transcript(records):
        return import_transcript(records)
    return import_stream_json(records)
