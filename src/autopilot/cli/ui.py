"""``autopilot ui``: serve the local web UI; and the UI beside a run (``autopilot run --ui``).

The work happens in :mod:`autopilot.app.ui`; this module binds, prints the URL, opens the browser and
waits for Ctrl-C.
"""

from __future__ import annotations

import contextlib
import signal
import threading
import webbrowser
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from cyclopts import Parameter, validators

from autopilot import hookimpl
from autopilot.cli import context

if TYPE_CHECKING:
    from autopilot.app.ui.server import UiServer
    from autopilot.core.models import Run

#: Addresses only this machine can reach.
LOOPBACK = ("127.0.0.1", "::1", "localhost")


def ui(
    path: Path | None = None,
    *,
    host: str = "127.0.0.1",
    port: Annotated[int, Parameter(validator=validators.Number(gte=0, lte=65535))] = 0,
    browser: Annotated[bool, Parameter(negative="--no-browser")] = True,
) -> int:
    """Serve a local web UI over this repository's runs, issues and costs, until Ctrl-C.

    Pages: the runs (filter, sort, search), one run (its steps, tool calls and results, diffs,
    tokens and cost per turn), a run as it is recorded (live), two runs compared, the issue board
    and the costs. Read-only; bound to 127.0.0.1 unless --host says otherwise.

    Parameters
    ----------
    path
        The repository (default: the current directory; any directory in it stands for it), or a
        directory of trajectories, in it or copied out of one.
    host
        Address to listen on. Anything but a loopback address makes the runs readable from the network.
    port
        Port to listen on (0: any free port).
    browser
        Open the UI in a web browser (``--no-browser``: only print its URL).
    """
    with serving(path, host=host, port=port) as server:
        url = server.url + "/runs"
        if browser:
            open_browser(url)
        wait_for_stop(f"autopilot ui: {server.site.repo} at {url}  (Ctrl-C to stop)", server)
    return 0


def open_browser(url: str) -> bool:
    """Open *url* in the user's web browser, unless the only one is a terminal browser (lynx, w3m,
    ``www-browser``: what Python's webbrowser falls back to without a display, as over ssh), which
    would take over this terminal and hold the command until it quits. Whether it opened."""
    try:
        browser = webbrowser.get()
    except webbrowser.Error:
        return False
    # webbrowser runs terminal browsers (and BROWSER commands it does not know) as a plain GenericBrowser,
    # in the foreground.
    if type(browser) is webbrowser.GenericBrowser:
        return False
    return browser.open(url)


@contextlib.contextmanager
def serving(path: Path | None, *, host: str = "127.0.0.1", port: int = 0) -> Iterator[UiServer]:
    """The UI server for *path*, running for the duration of the block."""
    from autopilot.app.ui.server import UiServer, make_site

    site = make_site(path, context.hooks())
    if host not in LOOPBACK:
        context.warning(f"--host {host}: anyone who can reach this address can read the runs")
    server = UiServer(site, host="127.0.0.1" if host == "localhost" else host, port=port).start()
    try:
        yield server
    finally:
        server.stop()


def wait_for_stop(message: str, server: UiServer) -> None:
    """Print *message* on stderr, block until SIGINT or SIGTERM, then stop *server*.

    The signals are handled from before the message is printed (a signal sent as soon as it is read
    still ends the wait) until the server has stopped: a second Ctrl-C during the shutdown, or git
    passing the signal on to ``git autopilot ui`` again, must not interrupt it (Python then aborts
    with "FATAL: exception not rethrown").
    """
    stop = threading.Event()
    previous = {sig: signal.signal(sig, lambda *_: stop.set()) for sig in (signal.SIGINT, signal.SIGTERM)}
    context.echo(message, err=True)
    try:
        while not stop.wait(3600):
            pass
        server.stop()
    finally:
        for sig, handler in previous.items():
            signal.signal(sig, handler)


class RunPageOpener:
    """A plugin for ``autopilot run --ui``: when the first run starts, show its live page."""

    def __init__(self, server: UiServer, *, browser: bool) -> None:
        self.server = server
        self.browser = browser
        self.opened = False

    @hookimpl
    def before_run(self, run: Run) -> None:
        url = f"{self.server.url}/runs/by-id/{run.run_id}/live"
        context.echo(f"autopilot ui: run {run.run_id} live at {url}", err=True)
        if self.browser and not self.opened:
            open_browser(url)
        self.opened = True


@contextlib.contextmanager
def beside_run(*, browser: bool = True) -> Iterator[Any]:
    """For ``autopilot run --ui``: the UI for this repository while the block runs, opened on each
    run's live page as it starts; after the block, it stays up until Ctrl-C."""
    with serving(None) as server:
        context.echo(f"autopilot ui: {server.url}/runs", err=True)
        opener = RunPageOpener(server, browser=browser)
        pm = context.plugin_manager()
        pm.register(opener, name="ui_run_page")
        try:
            yield server
        finally:
            pm.unregister(name="ui_run_page")
        wait_for_stop(f"autopilot ui: still at {server.url}/runs  (Ctrl-C to stop)", server)
