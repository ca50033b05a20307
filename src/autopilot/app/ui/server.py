"""The web UI's HTTP side: a Starlette app over a repository's runs and issues, and its server.

Pages (each a stable URL): ``/runs`` (the list; filters and sort are query parameters),
``/runs/<key>`` (one run, paged; ``?step=N`` jumps to step N), ``/runs/<key>/live`` (a run as it
is recorded, over server-sent events from ``/api/runs/<key>/events``), ``/runs/last`` (the newest
run; ``/runs/last/live`` too), ``/compare?a=<key>&b=<key>``,
``/issues`` (the board) and ``/issues/<id>``, ``/costs``. Each page's data is also JSON under
``/api/``. A run's key is its trajectory's base path relative to the trajectory directory.

Safe by default: only GET and HEAD are served (nothing changes a file), a request whose Host header
is not the address the server is bound to is refused (DNS rebinding), responses forbid framing and
scripts from elsewhere, and no URL names a file (runs are looked up among the files the index found).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import ipaddress
import json
import os
import shlex
import socket
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, MutableMapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Final
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from autopilot.app.run_refs import LAST
from autopilot.app.ui import views
from autopilot.app.ui.follow import JournalFollower
from autopilot.app.ui.index import RunEntry, RunIndex, StepFiles, owner_alive
from autopilot.core.errors import AutopilotError, BadInputError
from autopilot.core.hooks import Hooks
from autopilot.core.trajectory.files import JOURNAL_SUFFIX, JSON_SUFFIX

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

#: Headers on every response: no framing, no scripts or styles from elsewhere, no referrer.
SECURITY_HEADERS: Final = (
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-resource-policy", b"same-origin"),
)


class Guard:
    """ASGI middleware: only GET/HEAD, only the bound Host, security headers on every response."""

    def __init__(self, app: ASGIApp, allowed_hosts: set[str], any_address_port: int | None = None) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts
        self.any_address_port = any_address_port

    def _names_an_address(self, host: str) -> bool:
        """For a server bound to every address (``--host 0.0.0.0``): whether *host* is an IP address
        with the server's port. DNS rebinding needs a domain name, so an address is no such attack."""
        if self.any_address_port is None:
            return False
        try:
            parts = urlsplit("//" + host)
            ipaddress.ip_address(parts.hostname or "")
            return parts.port == self.any_address_port
        except ValueError:
            return False

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await self.app(scope, receive, send)
            return
        if scope["type"] != "http":
            return  # no websockets: the connection is refused
        headers = dict(scope.get("headers") or [])
        host = headers.get(b"host", b"").decode("latin-1").lower()
        if host not in self.allowed_hosts and not self._names_an_address(host):
            await _plain(send, 421, f"error: unexpected Host header {host!r}; use the URL autopilot printed")
            return
        if scope["method"] not in ("GET", "HEAD"):
            await _plain(send, 405, "error: the UI is read-only", extra=((b"allow", b"GET, HEAD"),))
            return

        async def secured(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = [*message.get("headers", []), *SECURITY_HEADERS]
            await send(message)

        await self.app(scope, receive, secured)


async def _plain(send: Send, status: int, text: str, extra: Iterable[tuple[bytes, bytes]] = ()) -> None:
    body = (text + "\n").encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *SECURITY_HEADERS,
                *extra,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


# ------------------------------------------------------------------------------------------------
# The application


@dataclass
class Site:
    """What the pages read: the repository, its runs and its issue store."""

    repo: Path
    runs_dir: Path
    index: RunIndex
    redact: Callable[[Any], Any]
    store: Callable[[], Any] | None = None
    steps: StepFiles = field(default_factory=StepFiles)

    def base_path(self, entry: RunEntry) -> Path:
        name = entry.path.name
        for suffix in (JOURNAL_SUFFIX, JSON_SUFFIX):
            if name.endswith(suffix):
                return entry.path.with_name(name[: -len(suffix)])
        return entry.path

    def resume_command(self, entry: RunEntry) -> str:
        path = entry.path
        with contextlib.suppress(ValueError):
            path = path.relative_to(self.repo)
        return shlex.join(["autopilot", "resume", "--trajectory", str(path)])  # paths may hold blanks

    def issues(self) -> tuple[list[Any], list[Any], list[str]]:
        """Issues, sessions and problems of the store (empty when there is none)."""
        if self.store is None:
            return [], [], []
        try:
            store = self.store()
            issues = store.list_issues()
            problems = [p.message for p in getattr(store, "problems", [])]
            sessions = store.list_sessions()
        except AutopilotError as exc:
            return [], [], [str(exc)]
        return issues, sessions, problems


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("autopilot.app.ui", "templates"),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        money=views.money,
        count=views.count,
        duration=views.duration,
        when=views.when,
        pretty=views.pretty,
        markdown=views.markdown,
        label=views.label,
        urlkey=views.urlkey,
    )
    env.globals["urlencode"] = urlencode
    return env


def create_app(site: Site, *, allowed_hosts: set[str], any_address_port: int | None = None) -> ASGIApp:
    """The UI as an ASGI app. *allowed_hosts* (``host:port`` strings) may be filled in after binding;
    with *any_address_port* (a server bound to every address), any IP address with that port too."""
    env = _environment()
    index = site.index

    def page(name: str, code: int = 200, **context: Any) -> HTMLResponse:
        context.setdefault("repo", site.repo.name)
        return HTMLResponse(env.get_template(name).render(**context), status_code=code)

    def missing(what: str) -> HTMLResponse:
        return page("error.html", code=404, title="Not found", message=what)

    def labels() -> dict[str, tuple[str, ...]]:
        issues, _sessions, _problems = site.issues()
        return {issue.id: issue.labels for issue in issues}

    # -- runs -------------------------------------------------------------------------------------

    def runs_page(request: Request) -> Response:
        wanted = views.RunFilter.from_query(request.query_params)
        rows, total = views.select_runs(index, wanted, labels_of=labels)
        pages = views.last_page(total)
        wanted = dataclasses.replace(wanted, page=min(wanted.page, pages))
        return page(
            "runs.html",
            title="Runs",
            rows=rows,
            total=total,
            pages=pages,
            wanted=wanted,
            choices=views.choices(index),
            runs_dir=_shown(site.runs_dir, site.repo),
            exists=index.exists,
            sort_keys=views.SORT_KEYS,
        )

    def runs_api(request: Request) -> Response:
        wanted = views.RunFilter.from_query(request.query_params)
        rows, total = views.select_runs(index, wanted, labels_of=labels)
        return JSONResponse(
            {
                "total": total,
                "page": min(wanted.page, views.last_page(total)),
                "runs": [_run_json(index, row.entry, row.status, row.match) for row in rows],
            }
        )

    def run_view(request: Request, *, following: bool) -> Response:
        """One page of a run's steps (``?page=``/``?step=``), or its last steps when *following* (live)."""
        entry = index.get(request.path_params["key"])
        if entry is None:
            return missing(f"no run {request.path_params['key']!r} in {_shown(site.runs_dir, site.repo)}")
        if entry.broken:
            file = _shown(entry.path, site.repo)
            return page("run.html", title=entry.key, entry=entry, status="broken", live=False, file=file)
        steps = site.steps.get(entry.path, entry.kind)
        total = len(steps)
        pages = 1 if following else max(1, -(-total // views.PAGE_STEPS))
        jump = None if following else _int(request.query_params.get("step"))
        number = 1 if following else _int(request.query_params.get("page")) or 1
        if jump is not None:
            number = jump // views.PAGE_STEPS + 1
        number = min(max(number, 1), pages)
        start = max(0, total - views.PAGE_STEPS) if following else (number - 1) * views.PAGE_STEPS
        stop = start + views.PAGE_STEPS
        items, _read = views.page_items(steps, start, stop, entry.get("started_at"), site.redact)
        title = entry.get("run_id") or entry.key
        turns = views.turn_series(steps)
        return page(
            "run.html",
            title=f"live: {title}" if following else title,
            entry=entry,
            status=index.status(entry),
            live=index.is_live(entry),
            items=items,
            page_number=number,
            pages=pages,
            total_steps=total,
            first=start,
            jump=jump,
            series=json.dumps(turns),
            has_turns=bool(turns["step"]),
            resume=site.resume_command(entry),
            following=following,
        )

    def run_page(request: Request) -> Response:
        return run_view(request, following=False)

    def live_page(request: Request) -> Response:
        return run_view(request, following=True)

    def by_id(request: Request) -> Response:
        entry = index.by_run_id(request.path_params["run_id"])
        if entry is None:
            return missing(f"no run with id {request.path_params['run_id']!r}")
        suffix = "/live" if request.url.path.endswith("/live") else ""
        return RedirectResponse(f"/runs/{views.urlkey(entry.key)}{suffix}", status_code=303)

    def latest(request: Request) -> Response:
        """``/runs/last`` (and ``/live``): the newest run, as ``autopilot replay last`` means it."""
        following = request.url.path.endswith("/live")
        if index.get(LAST) is not None:  # a run whose file is named "last" wins, as on the command line
            request.path_params["key"] = LAST
            return run_view(request, following=following)
        entries = index.entries()
        if not entries:
            return missing(f"no runs yet in {_shown(site.runs_dir, site.repo)}")
        suffix = "/live" if following else ""
        return RedirectResponse(f"/runs/{views.urlkey(entries[0].key)}{suffix}", status_code=303)

    def run_api(request: Request) -> Response:
        entry = index.get(request.path_params["key"])
        if entry is None:
            return JSONResponse({"error": "no such run"}, status_code=404)
        data = _run_json(index, entry, index.status(entry))
        if not entry.broken:
            steps = site.steps.get(entry.path, entry.kind)
            data["turns"] = views.turn_series(steps)
            data["resume"] = site.resume_command(entry)
        return JSONResponse(data)

    def steps_api(request: Request) -> Response:
        entry = index.get(request.path_params["key"])
        if entry is None or entry.broken:
            return JSONResponse({"error": "no such run" if entry is None else entry.error}, status_code=404)
        steps = site.steps.get(entry.path, entry.kind)
        start = max(0, _int(request.query_params.get("start")) or 0)
        count = min(max(1, _int(request.query_params.get("count")) or views.PAGE_STEPS), 1000)
        read = steps.read(range(start, min(start + count, len(steps))))
        redacted = site.redact([read[n] for n in sorted(read)])
        return JSONResponse(
            {
                "total": len(steps),
                "start": start,
                "steps": [{"number": n, **step} for n, step in zip(sorted(read), redacted, strict=True)],
            }
        )

    async def events_api(request: Request) -> Response:
        entry = index.get(request.path_params["key"])
        if entry is None or entry.broken:
            return JSONResponse({"error": "no such run"}, status_code=404)
        base = site.base_path(entry)
        start = _int(request.query_params.get("from")) or 0
        run_id = str(entry.get("run_id") or "")
        follower = JournalFollower(
            base.with_name(base.name + JOURNAL_SUFFIX),
            base.with_name(base.name + JSON_SUFFIX),
            start=start,
            alive=lambda: owner_alive(run_id),
        )
        started_at = entry.get("started_at")
        item_template = env.get_template("_item.html")

        def render(event: dict[str, Any]) -> dict[str, Any]:
            if event["event"] == "step":
                step = site.redact(event["step"])
                number = event["number"]
                payload: dict[str, Any] = {"number": number, "step": step}
                item = views.step_item(number, step, started_at)
                payload["html"] = item_template.render(item=item)
                if step.get("type") == "tool_result":
                    payload["result_html"] = env.get_template("_result.html").render(
                        result=step, number=number, output=views.fold(step.get("output"))
                    )
                return payload
            return site.redact({k: v for k, v in event.items() if k != "event"})

        async def stream() -> AsyncIterator[str]:
            yield "retry: 2000\n\n"
            async for event in follower.events():
                payload = await asyncio.to_thread(render, event)
                yield f"event: {event['event']}\ndata: {json.dumps(payload, ensure_ascii=False)}\n\n"

        return StreamingResponse(
            stream(),
            media_type="text/event-stream",
            headers={"cache-control": "no-cache", "x-accel-buffering": "no"},
        )

    # -- compare ----------------------------------------------------------------------------------

    def _compared(
        request: Request,
    ) -> tuple[dict[str, Any] | None, str | None, RunEntry | None, RunEntry | None]:
        from autopilot.core.errors import TrajectoryError
        from autopilot.core.trajectory.analysis import compare
        from autopilot.core.trajectory.files import load_trajectory

        key_a, key_b = request.query_params.get("a", ""), request.query_params.get("b", "")
        if not key_a or not key_b:
            return None, None, None, None
        # A run's address, or its run id (what `session list` and `autopilot compare` use).
        a = index.get(key_a) or index.by_run_id(key_a)
        b = index.get(key_b) or index.by_run_id(key_b)
        for key, entry in ((key_a, a), (key_b, b)):
            if entry is None:
                return None, f"no run {key!r}", a, b
            if entry.broken:
                return None, f"run {key!r} cannot be read: {entry.error}", a, b
        assert a is not None and b is not None
        try:
            result = compare(load_trajectory(a.path), load_trajectory(b.path))
        except TrajectoryError as exc:
            return None, site.redact(str(exc)), a, b
        return site.redact(result), None, a, b

    def compare_page(request: Request) -> Response:
        result, problem, a, b = _compared(request)
        return page(
            "compare.html",
            code=404 if problem and (a is None or b is None) else 200,
            title="Compare",
            result=result,
            problem=problem,
            a=a,
            b=b,
            runs=[e for e in index.entries() if not e.broken],
        )

    def compare_api(request: Request) -> Response:
        result, problem, _a, _b = _compared(request)
        if result is None:
            return JSONResponse({"error": problem or "give two runs: ?a=KEY&b=KEY"}, status_code=404)
        return JSONResponse(result)

    # -- issues -----------------------------------------------------------------------------------

    def issues_page(request: Request) -> Response:
        issues, sessions, problems = site.issues()
        project = request.query_params.get("project", "")
        data = views.board(issues, sessions, index, site.redact, project=project)
        projects = sorted({i.project for i in issues if i.project})
        return page(
            "issues.html",
            title="Issues",
            board=data,
            problems=site.redact(problems),
            projects=projects,
            project=project,
            has_store=bool(issues) or (site.repo / ".autopilot").is_dir(),
        )

    def issue_page(request: Request) -> Response:
        issues, sessions, _problems = site.issues()
        wanted = request.path_params["issue_id"]
        found = [i for i in issues if i.id == wanted]
        if not found:
            return missing(f"no issue {wanted!r}")
        data = views.board(found, sessions, index, site.redact)
        card = next(c for column in data["columns"] for c in column["issues"])
        return page("issue.html", title=f"{card['id']}: {card['title']}", issue=card)

    def issues_api(request: Request) -> Response:
        issues, sessions, problems = site.issues()
        project = request.query_params.get("project", "")
        data = views.board(issues, sessions, index, site.redact, project=project)
        data["problems"] = site.redact(problems)
        return JSONResponse(data)

    # -- costs ------------------------------------------------------------------------------------

    def costs_data(request: Request) -> dict[str, Any]:
        since = views.day_param(request.query_params, "since")
        until = views.day_param(request.query_params, "until")
        return views.costs(index.entries(), since=since, until=until)

    def costs_page(request: Request) -> Response:
        data = costs_data(request)
        return page(
            "costs.html",
            title="Costs",
            costs=data,
            chart=json.dumps(data),
            since=request.query_params.get("since", ""),
            until=request.query_params.get("until", ""),
        )

    def costs_api(request: Request) -> Response:
        return JSONResponse(costs_data(request))

    def home(request: Request) -> Response:
        return RedirectResponse("/runs", status_code=303)

    def favicon(request: Request) -> Response:
        # Browsers ask for it on pages without a <link rel="icon">: the JSON under /api/.
        return RedirectResponse("/static/favicon.svg", status_code=301)

    async def not_found(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "not found"}, status_code=404)
        return missing(f"nothing at {request.url.path}")

    async def bad_request(request: Request, exc: Exception) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": str(exc)}, status_code=400)
        return page("error.html", code=400, title="Bad request", message=f"error: {exc}")

    routes = [
        Route("/", home),
        Route("/favicon.ico", favicon),
        Route("/runs", runs_page),
        Route("/runs/by-id/{run_id}/live", by_id),
        Route("/runs/by-id/{run_id}", by_id),
        Route("/runs/last/live", latest),
        Route("/runs/last", latest),
        Route("/runs/{key:path}/live", live_page),
        Route("/runs/{key:path}", run_page),
        Route("/compare", compare_page),
        Route("/issues", issues_page),
        Route("/issues/{issue_id}", issue_page),
        Route("/costs", costs_page),
        Route("/api/runs", runs_api),
        Route("/api/runs/{key:path}/steps", steps_api),
        Route("/api/runs/{key:path}/events", events_api),
        Route("/api/runs/{key:path}", run_api),
        Route("/api/compare", compare_api),
        Route("/api/issues", issues_api),
        Route("/api/costs", costs_api),
        Mount("/static", StaticFiles(packages=[("autopilot.app.ui", "static")]), name="static"),
    ]
    app = Starlette(routes=routes, exception_handlers={404: not_found, BadInputError: bad_request})
    return Guard(app, allowed_hosts, any_address_port)


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except ValueError:
        return None


def _shown(path: Path, repo: Path) -> str:
    with contextlib.suppress(ValueError):
        return path.relative_to(repo).as_posix() or "."
    return str(path)


def _run_json(
    index: RunIndex, entry: RunEntry, status: str, match: tuple[int, str] | None = None
) -> dict[str, Any]:
    data: dict[str, Any] = {"key": entry.key, "kind": entry.kind, **entry.summary, "status": status}
    if entry.broken:
        data["error_reading"] = entry.error
    if entry.warnings:
        data["warnings"] = list(entry.warnings)
    if match is not None:
        data["match"] = {"step": match[0], "text": match[1]}
    return data


# ------------------------------------------------------------------------------------------------
# Serving


def make_site(path: Path | None, hooks: Hooks) -> Site:
    """The site for *path*: a repository (its configured trajectory directory and issue store), or a
    directory of trajectories inside one, or outside any. Another directory in a repository (the
    working directory in ``src/``) stands for the repository. A missing directory is bad input."""
    from autopilot.core.config import load_config
    from autopilot.core.runner import default_output_dir

    given = Path(path or Path.cwd()).expanduser()
    if not given.exists():
        raise BadInputError(f"{given}: no such directory")
    if not given.is_dir():
        raise BadInputError(f"{given}: not a directory (give the repository or a directory of runs)")
    config = load_config(given)
    repo = config.project_dir
    runs_dir = default_output_dir(repo, config.output_dir)
    given = given.resolve()
    if given != repo and (given.is_relative_to(runs_dir.resolve()) or _holds_runs(given)):
        runs_dir = given  # a directory of trajectories, not the repository itself
    elif given == repo and not runs_dir.is_dir() and not _is_project(repo) and _holds_runs(repo):
        runs_dir = repo  # trajectories copied out of a repository
    # Otherwise (any other directory in the repository, as the working directory): the repository's.
    store: list[Any] = []

    def issue_store() -> Any:
        if not store:
            store.append(hooks.store_select(config=config))
        return store[0]

    index = RunIndex(runs_dir, repo, hooks.redact_obj)
    return Site(repo=repo, runs_dir=runs_dir, index=index, redact=hooks.redact_obj, store=issue_store)


def _is_project(directory: Path) -> bool:
    """Whether *directory* is a git work tree's top or holds ``.autopilot/``."""
    return (directory / ".git").exists() or (directory / ".autopilot").is_dir()


def _holds_runs(directory: Path) -> bool:
    """Whether *directory*, or a directory right inside it (``docs/logs`` keeps one per day), holds a
    trajectory file; one level only, so pointing at a large tree costs nothing."""

    def files(folder: Path) -> Iterable[str]:
        with contextlib.suppress(OSError), os.scandir(folder) as entries:
            yield from (e.name for e in entries if e.is_file() and not e.name.startswith("."))

    def runs(folder: Path) -> bool:
        return any(name.endswith((JSON_SUFFIX, JOURNAL_SUFFIX)) for name in files(folder))

    if runs(directory):
        return True
    with contextlib.suppress(OSError), os.scandir(directory) as entries:
        return any(e.is_dir() and not e.name.startswith(".") and runs(Path(e.path)) for e in entries)
    return False


class UiServer:
    """The UI served by uvicorn in a background thread, on a socket bound before it starts.

    Binding first gives the real port (``port=0`` picks a free one) before any request arrives, and
    lets the Host check know the one address requests may name.
    """

    def __init__(self, site: Site, *, host: str = "127.0.0.1", port: int = 0) -> None:
        import uvicorn

        family = socket.AF_INET6 if ":" in host else socket.AF_INET
        self.socket = socket.socket(family, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            self.socket.bind((host, port))
        except OSError as exc:
            self.socket.close()
            raise AutopilotError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
        self.socket.listen(128)
        self.host = host
        self.port = self.socket.getsockname()[1]
        every_address = host in ("0.0.0.0", "::")
        if every_address:
            host = "127.0.0.1" if family == socket.AF_INET else "::1"  # the URL to print and open here
        shown = f"[{host}]" if family == socket.AF_INET6 else host
        self.url = f"http://{shown}:{self.port}"
        allowed = {f"{shown}:{self.port}".lower()}
        if host in ("127.0.0.1", "::1"):
            allowed.add(f"localhost:{self.port}")
        if every_address:
            # Reached from elsewhere by this machine's address (any, checked per request) or name.
            allowed.add(f"{socket.gethostname()}:{self.port}".lower())
        port_of_any = self.port if every_address else None
        self.app = create_app(site, allowed_hosts=allowed, any_address_port=port_of_any)
        config = uvicorn.Config(
            self.app,
            log_level="warning",
            lifespan="off",
            access_log=False,
            timeout_graceful_shutdown=1,
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self._serve, name="autopilot-ui", daemon=True)
        self.warming = threading.Thread(target=site.index.refresh, name="autopilot-ui-index", daemon=True)
        self.site = site

    def _serve(self) -> None:
        asyncio.run(self.server.serve(sockets=[self.socket]))

    def start(self, *, timeout: float = 10.0) -> UiServer:
        """Start serving; returns once the server accepts connections."""
        self.thread.start()
        # Warm the run index meanwhile, so the first page does not read every trajectory.
        self.warming.start()
        deadline = time.monotonic() + timeout
        while not self.server.started:
            if not self.thread.is_alive() or time.monotonic() > deadline:
                raise AutopilotError("the UI server did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        # A Ctrl-C in the first seconds, while the index still reads every run: Python exiting under a
        # daemon thread inside a C extension aborts ("FATAL: exception not rethrown"), so stop it first.
        self.site.index.close()
        if self.warming.is_alive():
            self.warming.join(timeout=5)
        self.thread.join(timeout=5)
        self.socket.close()

    def __enter__(self) -> UiServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
