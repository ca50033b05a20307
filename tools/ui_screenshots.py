"""Take the web UI's screenshots for docs/ui.md (docs/images/ui-*.png).

Run: ``uv run python tools/ui_screenshots.py [--out docs/images]``

Builds a sample repository in a temporary directory (runs recorded through the real recorder and
writers, issues and sessions in the real YAML store), serves ``autopilot ui`` on it and photographs
each page in headless Chromium (Debian's ``chromium``; ``apt-get install chromium``). The data is
the same each time (but for ids and dates), so the pictures change little unless the pages do.
"""

from __future__ import annotations

import argparse
import datetime as dt
import shutil
import tempfile
from pathlib import Path
from typing import Any
from unittest import mock

from autopilot.app.ui.server import UiServer, make_site
from autopilot.core.config import load_config
from autopilot.core.hooks import Hooks
from autopilot.core.issues import Session
from autopilot.core.models import Run, Step, Usage
from autopilot.core.pluginmanager import make_plugin_manager
from autopilot.core.pricing import load_price_table
from autopilot.core.recorder import Recorder
from autopilot.core.trajectory.files import base_path_for

OUT = Path(__file__).resolve().parent.parent / "docs" / "images"
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


class Recording:
    """One sample run, step by step, on a clock of its own."""

    def __init__(self, hooks: Hooks, logs: Path, prompt: str, *, model: str, start: dt.datetime, **meta: Any):
        self.model = model
        self.clock = start
        self.prices = load_price_table()
        self.run = Run(
            prompt=prompt, agent=meta.pop("agent", "claude"), model=model, cwd="/work/shop", **meta
        )
        self.run.started_at = self._ts()
        self.run.price_table_version = self.prices.version
        self.recorder = Recorder(hooks, self.run, base_path_for(self.run, logs))
        self.recorder.start()
        self.total = Usage()
        self.turns = 0
        self.calls = 0
        self.step("user", text=prompt)

    def _ts(self, seconds: float = 0.0) -> str:
        self.clock += dt.timedelta(seconds=seconds)
        return self.clock.isoformat(timespec="milliseconds").replace("+00:00", "Z")

    def _usage(self, tokens_in: int, tokens_out: int, cache_read: int = 0) -> Usage:
        usage = Usage(tokens_in, tokens_out, cache_read)
        usage.cost_usd = self.prices.cost(self.model, usage)
        self.total, self.turns = self.total + usage, self.turns + 1
        return usage

    def step(self, kind: str, *, after: float = 0.4, **fields: Any) -> None:
        self.recorder.add(Step(kind, ts=self._ts(after), **fields))

    def tool(
        self, name: str, data: Any, output: str, *, error: bool = False, tokens: tuple[int, int, int]
    ) -> None:
        self.calls += 1
        use_id = f"toolu_{self.calls:03d}"
        self.step(
            "tool_call", after=2.1, tool=name, tool_use_id=use_id, input=data, usage=self._usage(*tokens)
        )
        self.step("tool_result", after=1.3, tool_use_id=use_id, output=output, is_error=error)

    def say(self, text: str, *, tokens: tuple[int, int, int]) -> None:
        self.step("assistant", after=1.8, text=text, usage=self._usage(*tokens))

    def finish(self, status: str) -> Run:
        # The recorder takes the end time from the wall clock; the sample runs end on their own clock.
        with mock.patch("autopilot.core.recorder.utcnow", lambda: self._ts(0.8)):
            self.recorder.finish(status=status, usage=self.total, num_turns=self.turns)
        return self.run


def sample_repository(root: Path) -> dict[str, str]:
    """A repository with runs, issues and sessions; returns the keys of the runs to photograph."""
    (root / ".autopilot").mkdir(parents=True)
    (root / ".autopilot" / "config.yaml").write_text('schema_version: 1\ncommit: "off"\n')
    logs = root / "docs" / "logs"
    hooks = Hooks(make_plugin_manager(project_dir=root, load_local=False, blocked=("console",)))
    store = hooks.store_select(config=load_config(root))
    ci = store.create_issue(
        "Run the tests in CI", labels=["infra"], accept=["uv run pytest -q"], priority="high"
    )
    cart = store.create_issue(
        "Cart total ignores discounts",
        body="The **total** must subtract the discount.",
        labels=["bug"],
        accept=["uv run pytest tests/test_cart.py -q"],
    )
    store.create_issue("Show prices with two decimals", depends_on=[cart.id], labels=["ui"])
    docs = store.create_issue("Document the checkout", labels=["docs"], priority="low")
    store.set_status(docs.id, "blocked", by="alice", reason="waits for the cart fix")
    start = dt.datetime(2026, 11, 30, 9, 12, tzinfo=dt.UTC)
    runs: dict[str, Run] = {}

    def fix(model: str, when: dt.datetime, *, good: bool) -> Run:
        run = Recording(
            hooks,
            logs,
            "Fix the cart total: it ignores discounts",
            model=model,
            start=when,
            issue_id=cart.id,
            slug="cart-" + model.split("-")[1],
        )
        run.step("thinking", text="The total is computed in cart.py; the discount is applied after rounding.")
        run.tool(
            "Read",
            {"file_path": "/work/shop/cart.py"},
            "def total(items, discount=0):\n    return round(sum(i.price for i in items), 2)\n",
            tokens=(3200, 90, 0),
        )
        if good:
            run.tool(
                "Edit",
                {
                    "file_path": "/work/shop/cart.py",
                    "old_string": "    return round(sum(i.price for i in items), 2)",
                    "new_string": (
                        "    subtotal = sum(i.price for i in items)\n    return round(subtotal - discount, 2)"
                    ),
                },
                "The file /work/shop/cart.py has been updated.",
                tokens=(3600, 240, 3100),
            )
            run.tool(
                "Bash",
                {"command": "uv run pytest tests/test_cart.py -q"},
                "4 passed in 0.12s",
                tokens=(3900, 60, 3500),
            )
            run.say(
                "Fixed: `total()` now subtracts the **discount** before rounding; the cart tests pass.",
                tokens=(4100, 70, 3800),
            )
            return run.finish("success")
        run.tool(
            "Bash",
            {"command": "uv run pytest -q"},
            "F...\nFAILED tests/test_cart.py::test_discount - assert 20.0 == 18.0\n1 failed, 3 passed",
            error=True,
            tokens=(3500, 70, 3100),
        )
        run.tool(
            "Grep",
            {"pattern": "discount", "path": "/work/shop"},
            "cart.py:1:def total(items, discount=0):",
            tokens=(3800, 50, 3300),
        )
        run.say(
            "The discount is never applied; I ran out of turns before changing `cart.py`.",
            tokens=(4000, 80, 3600),
        )
        return run.finish("max_turns")

    runs["success"] = fix("claude-sonnet-4-5", start, good=True)
    runs["max_turns"] = fix("claude-haiku-4-5", start + dt.timedelta(minutes=20), good=False)
    for day in range(1, 6):
        run = Recording(
            hooks,
            logs,
            f"Tidy module {day}",
            model="gpt-5-codex",
            agent="codex",
            start=start - dt.timedelta(days=day, hours=2),
            issue_id=ci.id if day % 2 else None,
        )
        run.tool(
            "shell", {"command": ["ruff", "check", "."]}, "All checks passed!", tokens=(2500 * day, 300, 0)
        )
        run.say("Tidied.", tokens=(2600 * day, 120, 2000))
        runs[f"codex-{day}"] = run.finish("success")
    live = Recording(
        hooks,
        logs,
        "Show prices with two decimals",
        model="claude-sonnet-4-5",
        start=dt.datetime.now(dt.UTC) - dt.timedelta(seconds=40),
    )
    live.tool(
        "Read",
        {"file_path": "/work/shop/views.py"},
        "def price(value):\n    return str(value)\n",
        tokens=(2900, 80, 0),
    )
    live.tool("Bash", {"command": "uv run pytest -q"}, "12 passed in 0.40s", tokens=(3100, 60, 2800))
    runs["live"] = live.run  # left running: its journal is what the live page follows
    for name in ("success", "max_turns"):
        run = runs[name]
        store.save_session(
            Session(
                run_id=run.run_id,
                issue=cart.id,
                status=run.result.status,
                agent=run.agent,
                model=run.model,
                cost_usd=run.usage.cost_usd,
                started_at=run.started_at,
            )
        )
    store.claim(ci.id, holder="autopilot@ci", run_id=runs["codex-1"].run_id)
    return {name: str(base_path_for(run, logs).relative_to(logs)) for name, run in runs.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    executable = shutil.which("chromium")
    if executable is None:
        raise SystemExit("error: chromium not found (apt-get install chromium)")
    from playwright.sync_api import sync_playwright

    root = Path(tempfile.mkdtemp(prefix="ui-screenshots-")) / "shop"
    try:
        keys = sample_repository(root)
        hooks = Hooks(make_plugin_manager(project_dir=root, load_local=False, blocked=("console",)))
        args.out.mkdir(parents=True, exist_ok=True)
        # page name -> (path, viewport height): the run page is taller, to show a tool call and a diff.
        pages = {
            "runs": ("/runs", 560),
            "run": (f"/runs/{keys['success']}", 1500),
            "live": (f"/runs/{keys['live']}/live", 860),
            "compare": (f"/compare?a={keys['success']}&b={keys['max_turns']}", 860),
            "issues": ("/issues", 480),
            "costs": ("/costs", 860),
        }
        with UiServer(make_site(root, hooks)) as server, sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=executable, args=FLAGS)
            for name, (path, height) in pages.items():
                page = browser.new_page(viewport={"width": 1280, "height": height}, color_scheme="light")
                page.goto(server.url + path)
                page.wait_for_load_state("load")
                target = args.out / f"ui-{name}.png"
                page.screenshot(path=str(target))
                page.close()
                print(f"wrote {target}")
            browser.close()
    finally:
        shutil.rmtree(root.parent, ignore_errors=True)


if __name__ == "__main__":
    main()
