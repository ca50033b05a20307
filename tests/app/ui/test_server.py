"""The web UI's pages and API: what each shows, and what it refuses."""

from __future__ import annotations

import html
import json
import os
import re
from pathlib import Path
from urllib.parse import quote

import pytest
from starlette.testclient import TestClient
from tests.app.ui.conftest import Repo, fix_script, raw_get
from tests.fake_secrets import github_token
from tests.trajectory_builders import Script, record

from autopilot.app.ui import views
from autopilot.app.ui.server import create_app


def _two_runs(repo: Repo) -> None:
    repo.record("fix", fix_script())
    other = Script(prompt="list the files", model="claude-opus-4-1")
    other.user("list the files")
    ls = other.call("Bash", {"command": "ls"}, input_tokens=500, output_tokens=20)
    other.result(ls, "README.md\ngreet.py\n")
    other.assistant("Two files.", input_tokens=600, output_tokens=10)
    repo.record("list", other, status="budget_exhausted")


# ------------------------------------------------------------------------------------------------
# Runs


def test_runs_page_lists_every_run_with_its_figures(repo: Repo, client: TestClient) -> None:
    """The runs page shows each run's status, model and cost."""
    _two_runs(repo)

    page = client.get("/runs")

    assert page.status_code == 200
    for name, status in (("fix", "success"), ("list", "budget_exhausted")):
        run = repo.runs[name].run
        row = page.text.split(f'data-key="{repo.key(name)}"')[1].split("</tr>")[0]
        assert f"status-{status}" in row
        assert run.model in row
        assert views.money(run.usage.cost_usd) in row


def test_runs_filter_by_status_and_model(repo: Repo, client: TestClient) -> None:
    """Filters in the URL keep only the matching runs."""
    _two_runs(repo)

    by_status = client.get("/api/runs", params={"status": "success"}).json()
    by_model = client.get("/api/runs", params={"model": "claude-opus-4-1"}).json()

    assert [repo.key("fix")] == [r["key"] for r in by_status["runs"]]
    assert [repo.key("list")] == [r["key"] for r in by_model["runs"]]


def test_a_run_recorded_after_a_listing_shows_on_the_next_request(repo: Repo, client: TestClient) -> None:
    """A run that finishes while the UI is open is listed on the next request."""
    repo.record("fix", fix_script())
    before = client.get("/api/runs").json()["total"]
    repo.record("other", fix_script(prompt="another task"))

    after = client.get("/api/runs").json()["total"]

    assert (before, after) == (1, 2)


def test_runs_sort_by_cost(repo: Repo, client: TestClient) -> None:
    """Sorting by cost, ascending, puts the cheaper run first."""
    _two_runs(repo)
    costs = {name: repo.runs[name].run.usage.cost_usd for name in ("fix", "list")}

    runs = client.get("/api/runs", params={"sort": "cost", "order": "asc"}).json()["runs"]

    assert sorted(costs.values()) == [r["cost_usd"] for r in runs]


def test_search_finds_the_step_that_mentions_a_word(repo: Repo, client: TestClient) -> None:
    """A search over step text names the run and the first step that matches."""
    _two_runs(repo)

    found = client.get("/api/runs", params={"q": "unrelated TEST"}).json()["runs"]

    assert [(repo.key("fix"), 8)] == [(r["key"], r["match"]["step"]) for r in found]


def test_search_finds_a_step_in_a_json_reformatted_with_an_indent(repo: Repo, client: TestClient) -> None:
    """A trajectory reformatted (``jq .``, an editor) is searched too, naming the matching step."""
    _two_runs(repo)
    path = repo.runs["fix"].json_path
    path.write_text(json.dumps(json.loads(path.read_text()), indent=2))

    found = client.get("/api/runs", params={"q": "unrelated TEST"}).json()["runs"]

    assert [(repo.key("fix"), 8)] == [(r["key"], r["match"]["step"]) for r in found]


def test_search_finds_a_step_in_a_json_on_one_line(repo: Repo, client: TestClient) -> None:
    """A trajectory compacted onto one line (``jq -c``, another tool's writer) is searched too: that
    line, the whole run, is not taken for a step."""
    _two_runs(repo)
    path = repo.runs["fix"].json_path
    path.write_text(json.dumps(json.loads(path.read_text())))

    found = client.get("/api/runs", params={"q": "unrelated TEST"}).json()["runs"]

    assert [(repo.key("fix"), 8)] == [(r["key"], r["match"]["step"]) for r in found]


def test_search_does_not_match_inside_a_redacted_secret(repo: Repo, client: TestClient) -> None:
    """Searching for a secret finds nothing: it is not shown, so it does not match."""
    token = github_token()
    _third_party_run(repo, token)

    found = client.get("/api/runs", params={"q": token}).json()["runs"]

    assert found == []


def test_run_page_shows_a_tool_call_with_its_result(repo: Repo, client: TestClient) -> None:
    """A tool call is shown with its input and its result; a failed one is marked as an error."""
    repo.record("fix", fix_script())

    page = client.get(f"/runs/{repo.key('fix')}").text

    bash = page.split('<li class="item item-tool_call is-error" id="step-6"')[1].split("</li>")[0]
    assert "pytest -q" in bash
    assert "1 failed, 3 passed" in bash
    assert "error" in bash


def test_run_page_shows_an_edit_as_a_diff(repo: Repo, client: TestClient) -> None:
    """An Edit call shows the removed and the added line."""
    repo.record("fix", fix_script())

    page = client.get(f"/runs/{repo.key('fix')}").text

    assert '<span class="d-del">-&#39;Hello &#39; + name</span>' in page
    assert '<span class="d-add">+&#39;Hello &#39; + name + &#39;!&#39;</span>' in page


def test_run_page_renders_markdown_and_escapes_html(repo: Repo, client: TestClient) -> None:
    """Messages are markdown; HTML inside them is shown as text, never run."""
    script = Script(prompt="say hi")
    script.user("say hi")
    script.assistant("**Hi** <script>alert(1)</script>", input_tokens=10, output_tokens=5)
    repo.record("hi", script)

    page = client.get(f"/runs/{repo.key('hi')}").text

    assert "<strong>Hi</strong>" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<script>alert" not in page


def test_run_page_shows_totals_and_the_resume_command(repo: Repo, client: TestClient) -> None:
    """The header has the run's cost and turns, and the command that resumes it."""
    recorded = repo.record("fix", fix_script())

    page = client.get(f"/runs/{repo.key('fix')}").text

    assert views.money(recorded.run.usage.cost_usd) in page
    assert f"autopilot resume --trajectory docs/logs/{repo.key('fix')}.json" in page


def test_the_resume_command_is_quoted_for_a_shell(repo: Repo, client: TestClient) -> None:
    """A run kept in a folder whose name has a blank shows a resume command a shell can take as pasted."""
    recorded = record(repo.hooks, repo.logs / "team runs", fix_script())
    key = recorded.base.relative_to(repo.logs).as_posix()

    page = client.get(f"/runs/{quote(key)}").text

    assert f"autopilot resume --trajectory 'docs/logs/{key}.json'" in html.unescape(page)


def test_long_run_is_paged_and_jumps_to_a_step(repo: Repo, client: TestClient) -> None:
    """A 250-step run is shown 100 steps a page; ?step=N opens the page that holds step N."""
    script = Script(prompt="count")
    script.user("count")
    for number in range(249):
        script.assistant(f"message number {number}", input_tokens=1, output_tokens=1)
    repo.record("long", script)

    page = client.get(f"/runs/{repo.key('long')}", params={"step": 230}).text

    shown = [int(n) for n in re.findall(r'data-step="(\d+)"', page)]
    assert (list(range(200, 250)), "page 3 of 3") == (shown, re.search(r"page \d of \d", page).group(0))


def test_steps_api_returns_a_slice(repo: Repo, client: TestClient) -> None:
    """The steps API returns the asked-for steps, numbered, and the total."""
    repo.record("fix", fix_script())

    data = client.get(f"/api/runs/{repo.key('fix')}/steps", params={"start": 2, "count": 2}).json()

    assert (
        data["total"],
        [s["number"] for s in data["steps"]],
        [s["type"] for s in data["steps"]],
    ) == (9, [2, 3], ["tool_call", "tool_result"])


def test_run_api_has_the_turns_for_the_chart(repo: Repo, client: TestClient) -> None:
    """The run's JSON has one entry per model turn with its tokens and cost."""
    recorded = repo.record("fix", fix_script())
    steps = [s for s in recorded.run.steps if s.usage is not None]

    data = client.get(f"/api/runs/{repo.key('fix')}").json()

    assert [s.index for s in steps] == data["turns"]["step"]
    assert [s.usage.input_tokens for s in steps] == data["turns"]["input"]


def test_a_truncated_trajectory_is_a_broken_run_and_the_rest_works(repo: Repo, client: TestClient) -> None:
    """A cut-off .json is listed as broken with the reason and its file; other runs and pages work."""
    repo.record("fix", fix_script())
    broken = repo.logs / "20200101" / "000000-cut.json"
    broken.parent.mkdir(parents=True)
    broken.write_text('{"run_id": "x", "steps": [')

    listed = client.get("/api/runs").json()["runs"]
    page = client.get("/runs/20200101/000000-cut")

    assert {"success", "broken"} == {r["status"] for r in listed}
    assert (page.status_code, re.search(r"truncated JSON", page.text).group(0)) == (200, "truncated JSON")
    assert "The file is <code>docs/logs/20200101/000000-cut.json</code>" in page.text
    assert client.get(f"/runs/{repo.key('fix')}").status_code == 200


def test_a_killed_run_shows_as_incomplete(repo: Repo, client: TestClient) -> None:
    """A journal without an end record, whose process is gone, is listed as incomplete."""
    repo.record("killed", fix_script(), status=None)
    old = 1_000_000_000
    os.utime(repo.runs["killed"].journal_path, (old, old))

    runs = client.get("/api/runs").json()["runs"]

    assert [(r["status"], r["kind"]) for r in runs] == [("incomplete", "journal")]


def test_missing_trajectory_directory_is_a_message(repo: Repo, client: TestClient) -> None:
    """With no docs/logs yet, the runs page says so instead of failing."""
    page = client.get("/runs")

    assert (page.status_code, "does not exist" in page.text) == (200, True)


def test_unknown_run_is_a_404_page(repo: Repo, client: TestClient) -> None:
    """A run that does not exist is a 404 page naming it."""
    page = client.get("/runs/20990101/000000-nothing")

    assert (page.status_code, "20990101/000000-nothing" in page.text) == (404, True)


def test_run_by_id_redirects_to_its_page(repo: Repo, client: TestClient) -> None:
    """/runs/by-id/RUN_ID leads to the run's page (what `run --ui` opens)."""
    recorded = repo.record("fix", fix_script())

    response = client.get(f"/runs/by-id/{recorded.run.run_id}/live", follow_redirects=False)

    assert (303, f"/runs/{repo.key('fix')}/live") == (response.status_code, response.headers["location"])


def test_runs_last_leads_to_the_newest_run(repo: Repo, client: TestClient) -> None:
    """/runs/last (and /runs/last/live) is the newest run's page, the one `autopilot replay last` shows."""
    _two_runs(repo)
    newest = client.get("/api/runs").json()["runs"][0]["key"]

    page = client.get("/runs/last", follow_redirects=False)
    live = client.get("/runs/last/live", follow_redirects=False)

    assert (page.status_code, page.headers["location"]) == (303, f"/runs/{newest}")
    assert (live.status_code, live.headers["location"]) == (303, f"/runs/{newest}/live")
    assert client.get("/runs/last").status_code == 200


def test_runs_last_without_runs_says_so(repo: Repo, client: TestClient) -> None:
    """/runs/last before any run is a 404 page saying there are no runs yet."""
    page = client.get("/runs/last")

    assert (page.status_code, "no runs yet" in page.text) == (404, True)


# ------------------------------------------------------------------------------------------------
# Redaction


def _third_party_run(repo: Repo, token: str) -> Path:
    """A trajectory as another tool might leave it: not through the recorder (so not redacted), with
    a secret in a tool result, and not in autopilot's one-step-per-line layout."""
    script = Script(prompt="deploy")
    script.user("deploy")
    env = script.call("Bash", {"command": "env"}, input_tokens=10, output_tokens=5)
    script.result(env, "GITHUB_TOKEN=placeholder")
    recorded = repo.record("imported", script)
    data = json.loads(recorded.json_path.read_text())
    data["steps"][2]["output"] = f"GITHUB_TOKEN={token}"
    path = repo.logs / "20260101" / "120000-imported.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps(data, indent=4))
    for written in (recorded.json_path, recorded.rlog_path):
        written.unlink()
    return path


def test_secrets_in_third_party_files_are_redacted_everywhere(repo: Repo, client: TestClient) -> None:
    """A secret inside a trajectory autopilot did not write appears on no page and in no API answer."""
    token = github_token()
    _third_party_run(repo, token)
    key = "20260101/120000-imported"

    answers = [
        client.get(path).text
        for path in (f"/runs/{key}", f"/runs/{key}/live", f"/api/runs/{key}/steps", "/api/runs", "/runs")
    ]

    assert [token in text for text in answers] == [False] * 5
    assert "GITHUB_TOKEN=" in answers[0]


# ------------------------------------------------------------------------------------------------
# Compare, issues, costs


def test_compare_marks_the_first_divergence(repo: Repo, client: TestClient) -> None:
    """Two runs that read the same file and then differ are aligned, the divergence marked."""
    repo.record("fix", fix_script())
    other = Script(prompt="fix the failing test")
    other.user("fix the failing test")
    read = other.call("Read", {"file_path": "/work/repo/greet.py"}, input_tokens=1200, output_tokens=30)
    other.result(read, "same file")
    bash = other.call("Bash", {"command": "git status"}, input_tokens=1300, output_tokens=20)
    other.result(bash, "clean")
    other.assistant("Nothing to do.", input_tokens=1400, output_tokens=10)
    repo.record("other", other)

    page = client.get("/compare", params={"a": repo.key("fix"), "b": repo.key("other")}).text
    data = client.get("/api/compare", params={"a": repo.key("fix"), "b": repo.key("other")}).json()

    assert data["first_divergence"]["call"] == 1
    assert "first diverge after 1 identical tool call:" in page
    assert 'id="divergence"' in page
    marked = page.split('id="divergence"')[1].split("</tr>")[0]
    assert (re.search(r"<b>(\w+)</b>", marked).group(1), "git status") == ("Edit", "git status")


def test_compare_headings_do_not_name_a_unit_the_value_is_not_in(repo: Repo, client: TestClient) -> None:
    """The duration row, shown as seconds, is headed "duration", not "duration ms"; cost is "cost"."""
    repo.record("fix", fix_script())
    repo.record("other", fix_script(prompt="again"))

    page = client.get("/compare", params={"a": repo.key("fix"), "b": repo.key("other")}).text

    totals = page.split('id="compare-totals"')[1].split("</table>")[0]
    headings = re.findall(r"<tr>\s*<th>([^<]+)</th>", totals)
    assert {"cost", "duration", "turns"} <= set(headings)
    assert not {"cost usd", "duration ms", "num turns"} & set(headings)


def test_compare_takes_run_ids_too(repo: Repo, client: TestClient) -> None:
    """`/compare?a=<run id>&b=<run id>`: the ids `session list` prints and `autopilot compare` takes
    work as well as the runs' addresses (they used to be a 404 "no run")."""
    fix, other = repo.record("fix", fix_script()), repo.record("other", fix_script(prompt="again"))

    by_id = client.get("/api/compare", params={"a": fix.run.run_id, "b": other.run.run_id})
    by_key = client.get("/api/compare", params={"a": repo.key("fix"), "b": repo.key("other")})

    assert by_id.status_code == 200
    assert by_id.json() == by_key.json()


def test_compare_without_two_runs_offers_a_choice(repo: Repo, client: TestClient) -> None:
    """The compare page without runs chosen shows the picker; an unknown run is a 404."""
    repo.record("fix", fix_script())

    empty = client.get("/compare")
    unknown = client.get("/compare", params={"a": repo.key("fix"), "b": "nope"})

    assert (empty.status_code, unknown.status_code) == (200, 404)
    assert "no run &#39;nope&#39;" in unknown.text


def test_issue_board_shows_claims_dependencies_acceptance_and_runs(repo: Repo, client: TestClient) -> None:
    """Issues sit in their status column with claim, dependencies, acceptance commands, runs and cost."""
    from autopilot.core.config import load_config
    from autopilot.core.issues import Session

    recorded = repo.record("fix", fix_script())
    store = repo.hooks.store_select(config=load_config(repo.path))
    first = store.create_issue("Set up CI", labels=["infra"], accept=["pytest -q"])
    second = store.create_issue("Greet loudly", depends_on=[first.id])
    store.claim(first.id, holder="alice", run_id=recorded.run.run_id)
    store.save_session(
        Session(
            run_id=recorded.run.run_id,
            issue=first.id,
            status="success",
            cost_usd=recorded.run.usage.cost_usd,
            started_at=recorded.run.started_at,
        )
    )

    board = client.get("/api/issues").json()
    page = client.get("/issues").text

    columns = {c["name"]: [i["id"] for i in c["issues"]] for c in board["columns"]}
    assert {"open": [second.id], "in progress": [first.id], "blocked": [], "done": []} == columns
    card = page.split(f'id="issue-{first.id}"')[1].split("</article>")[0]
    assert "claimed by alice" in card
    assert "<code>pytest -q</code>" in card
    assert views.money(recorded.run.usage.cost_usd) in card
    assert f'href="/runs/{repo.key("fix")}"' in card
    assert f'href="/issues/{first.id}"' in page.split(f'id="issue-{second.id}"')[1].split("</article>")[0]
    assert client.get(f"/issues/{first.id}").status_code == 200


def test_issues_page_without_a_store_says_how_to_start(tmp_path: Path, hooks) -> None:
    """A directory with no .autopilot/ shows an empty board and a hint, not an error."""
    from autopilot.app.ui.server import make_site

    (tmp_path / "plain").mkdir()
    client = TestClient(create_app(make_site(tmp_path / "plain", hooks), allowed_hosts={"testserver"}))

    page = client.get("/issues")

    assert (page.status_code, "has no issues yet" in page.text) == (200, True)


def test_costs_add_up_by_model_and_day(repo: Repo, client: TestClient) -> None:
    """Costs by model are the sums of the runs' costs; the page has a chart and a table."""
    _two_runs(repo)
    by_model: dict[str, float] = {}
    for recorded in repo.runs.values():
        by_model[recorded.run.model] = by_model.get(recorded.run.model, 0.0) + recorded.run.usage.cost_usd

    data = client.get("/api/costs").json()
    page = client.get("/costs").text

    assert {k: round(v, 6) for k, v in by_model.items()} == {r["name"]: r["cost_usd"] for r in data["model"]}
    assert round(sum(by_model.values()), 6) == data["total"]["cost_usd"]
    assert (
        re.search(r'id="chart-day"', page).group(0),
        re.search(r'id="table-model"', page).group(0),
    ) == ('id="chart-day"', 'id="table-model"')


# ------------------------------------------------------------------------------------------------
# Safety


def test_requests_naming_another_host_are_refused(repo: Repo, client: TestClient) -> None:
    """A Host header other than the bound one (DNS rebinding) gets 421 and no content."""
    repo.record("fix", fix_script())

    response = client.get("/api/runs", headers={"host": "attacker.example:80"})

    assert (response.status_code, "run_id" in response.text) == (421, False)


@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_the_ui_is_read_only(method: str, client: TestClient) -> None:
    """Nothing but GET and HEAD is served."""
    response = client.request(method, "/runs")

    assert (response.status_code, response.headers["allow"]) == (405, "GET, HEAD")


def test_responses_forbid_framing_and_foreign_scripts(client: TestClient) -> None:
    """Every page carries a content security policy and refuses to be framed."""
    response = client.get("/runs")

    assert "script-src 'self'" in response.headers["content-security-policy"]
    assert response.headers["x-frame-options"] == "DENY"


def test_visiting_every_page_changes_no_file(repo: Repo, client: TestClient) -> None:
    """Reading every page and API leaves the repository's files as they were (store cache aside)."""
    _two_runs(repo)

    def snapshot() -> dict[str, tuple[int, int]]:
        return {
            str(p): (p.stat().st_mtime_ns, p.stat().st_size)
            for p in repo.path.rglob("*")
            if p.is_file() and ".cache" not in p.parts
        }

    before = snapshot()
    key = repo.key("fix")
    for path in (
        "/runs",
        f"/runs/{key}",
        f"/runs/{key}/live",
        "/compare",
        "/issues",
        "/costs",
        "/api/runs",
        f"/api/runs/{key}",
        f"/api/runs/{key}/steps",
        "/api/issues",
        "/api/costs",
        f"/api/compare?a={key}&b={repo.key('list')}",
    ):
        assert client.get(path).status_code == 200, path

    assert before == snapshot()


def _outside_secret(tmp_path: Path) -> tuple[Path, str]:
    secret = tmp_path / "outside" / "secret.json"
    secret.parent.mkdir()
    marker = "OUTSIDE-" + os.urandom(6).hex()
    secret.write_text(json.dumps({"schema_version": 1, "run_id": marker, "prompt": marker, "steps": []}))
    return secret, marker


@pytest.mark.parametrize(
    "path",
    [
        "/runs/../../outside/secret",
        "/runs/..%2f..%2foutside%2fsecret",
        "/runs/%2e%2e/%2e%2e/outside/secret",
        "/runs/%252e%252e/%252e%252e/outside/secret",
        "/runs//{outside}/secret",
        "/api/runs/../../outside/secret/steps",
        "/api/runs/%2e%2e%2f%2e%2e%2foutside%2fsecret",
        "/static/../../../outside/secret.json",
        "/static/%2e%2e/%2e%2e/%2e%2e/outside/secret.json",
        "/static/..%2f..%2f..%2fserver.py",
    ],
)
def test_no_url_reads_a_file_outside_the_repository(repo: Repo, server, tmp_path: Path, path: str) -> None:
    """Traversal with .., encoded dots and slashes, or an absolute path reads nothing outside."""
    _secret, marker = _outside_secret(tmp_path)
    repo.record("fix", fix_script())

    status, body = raw_get(server, path.format(outside=str(tmp_path / "outside").lstrip("/")))

    assert (marker.encode() in body, b"def create_app" in body) == (False, False)
    assert status in (400, 404)


def test_a_symlink_to_a_trajectory_outside_is_not_followed(
    repo: Repo, client: TestClient, tmp_path: Path
) -> None:
    """A symlink in docs/logs to a file outside the repository is neither listed nor readable."""
    secret, marker = _outside_secret(tmp_path)
    repo.record("fix", fix_script())
    (repo.logs / "linked.json").symlink_to(secret)
    (repo.logs / "linked-dir").symlink_to(secret.parent, target_is_directory=True)

    listing = client.get("/api/runs").text
    direct = client.get("/runs/linked")
    through_dir = client.get("/runs/linked-dir/secret")

    assert (marker in listing, direct.status_code, through_dir.status_code) == (False, 404, 404)


def test_the_real_server_refuses_a_foreign_host(repo: Repo, server) -> None:
    """Over a real socket too, a request for another host name is refused."""
    status, body = raw_get(server, "/runs", host="rebound.example")

    assert (status, b"unexpected Host header" in body) == (421, True)


def test_the_real_server_serves_its_own_host_and_localhost(repo: Repo, server) -> None:
    """The bound address and localhost on the same port are both accepted."""
    statuses = [raw_get(server, "/runs", host=host)[0] for host in (None, f"localhost:{server.port}")]

    assert statuses == [200, 200]


def test_runs_filter_by_issue_label_and_dates(repo: Repo, client: TestClient) -> None:
    """A label keeps the runs of issues with that label; dates outside the runs' day keep none."""
    from autopilot.core.config import load_config

    store = repo.hooks.store_select(config=load_config(repo.path))
    issue = store.create_issue("Fix the greeting", labels=["bug"])
    script = fix_script()
    recorded = repo.record("fix", script)
    data = json.loads(recorded.json_path.read_text())
    data["issue_id"] = issue.id
    recorded.json_path.write_text(json.dumps(data))
    repo.record("other", fix_script(prompt="something else"))
    day = recorded.run.started_at[:10]

    def keys(**params: str) -> list[str]:
        return [r["key"] for r in client.get("/api/runs", params=params).json()["runs"]]

    assert keys(label="bug") == [repo.key("fix")]
    assert sorted(keys(since=day, until=day)) == sorted([repo.key("fix"), repo.key("other")])
    assert keys(until="2000-01-01") == []


@pytest.mark.parametrize("path", ["/runs?since=yesterday", "/costs?until=2026-13-45", "/api/runs?since=x"])
def test_a_date_that_is_not_a_date_is_a_400_naming_it(repo: Repo, client: TestClient, path: str) -> None:
    """A mistyped date in the URL says so instead of quietly showing no runs and $0."""
    repo.record("fix", fix_script())

    response = client.get(path)

    assert response.status_code == 400
    assert "not a date (give YYYY-MM-DD)" in response.text
    name = path.split("?")[1].split("=")[0]
    assert f"{name}=" in response.text


def test_a_subdirectory_of_the_repository_shows_the_repositorys_runs(repo: Repo, hooks) -> None:
    """`autopilot ui` started in src/ shows the runs in docs/logs, not an empty list of src/."""
    from autopilot.app.ui.server import make_site

    repo.record("fix", fix_script())
    (repo.path / "src").mkdir()

    site = make_site(repo.path / "src", hooks)
    client = TestClient(create_app(site, allowed_hosts={"testserver"}))

    assert [r["key"] for r in client.get("/api/runs").json()["runs"]] == [repo.key("fix")]


def test_a_directory_of_copied_trajectories_outside_a_repository_shows_them(repo: Repo, hooks) -> None:
    """Trajectories copied to a plain directory (no git, no docs/logs) are listed from it."""
    from autopilot.app.ui.server import make_site

    recorded = repo.record("fix", fix_script())
    copied = repo.path.parent / "copied"
    (copied / "day").mkdir(parents=True)
    (copied / "day" / recorded.json_path.name).write_bytes(recorded.json_path.read_bytes())

    client = TestClient(create_app(make_site(copied, hooks), allowed_hosts={"testserver"}))

    runs = client.get("/api/runs").json()["runs"]
    assert [(r["key"], r["status"]) for r in runs] == [(f"day/{recorded.json_path.stem}", "success")]


def test_the_browsers_favicon_request_finds_the_icon(client: TestClient) -> None:
    """Opening /api/… in a browser asks for /favicon.ico: it is the UI's icon, not a 404 in the console."""
    response = client.get("/favicon.ico")

    assert (response.status_code, response.headers["content-type"]) == (200, "image/svg+xml")


def test_a_runs_page_past_the_last_shows_the_last(repo: Repo, client: TestClient) -> None:
    """/runs?page=999 (an old bookmark, fewer runs now) shows the last page, not "page 999 of 1"."""
    repo.record("fix", fix_script())

    page = client.get("/runs", params={"page": "999"}).text

    assert (f'href="/runs/{repo.key("fix")}"' in page, "page 999" in page) == (True, False)
    assert client.get("/api/runs", params={"page": "999"}).json()["page"] == 1


def test_a_run_without_steps_says_none_instead_of_an_empty_chart(repo: Repo, client: TestClient) -> None:
    """A run that ended before its first step shows "none" and no empty chart, not a range "0 to -1"."""
    recorded = repo.record("fix", fix_script())
    data = json.loads(recorded.json_path.read_text())
    data["steps"] = []
    recorded.json_path.write_text(json.dumps(data))

    page = client.get(f"/runs/{repo.key('fix')}").text

    assert ("0–-1" in page, 'id="turn-chart"' in page, 'name="step"' in page) == (False, False, False)
    assert 'id="no-turns"' in page
    assert 'id="no-steps"' in page


@pytest.mark.parametrize("name", ["a#b", "q?x=1", "ünï space"])
def test_a_run_whose_file_name_has_url_characters_opens_from_its_link(
    repo: Repo, client: TestClient, name: str
) -> None:
    """A trajectory copied in as ``a#b.json`` is linked so that following the link opens it."""
    recorded = repo.record("fix", fix_script())
    copied = recorded.json_path.with_name(f"{name}.json")
    copied.write_bytes(recorded.json_path.read_bytes())
    recorded.json_path.unlink()

    listing = client.get("/runs").text
    href = re.search(r'<a href="(/runs/[^"?]+)">', listing.split('<table class="runs">')[1]).group(1)
    page = client.get(html.unescape(href))

    assert (page.status_code, recorded.run.run_id in page.text) == (200, True)


def test_bound_to_every_address_it_serves_requests_by_address_but_not_by_a_foreign_name(repo: Repo) -> None:
    """`--host 0.0.0.0` answers a browser that names the machine by an address; a domain is refused."""
    import socket

    from autopilot.app.ui.server import UiServer

    with UiServer(repo.site(), host="0.0.0.0") as server:
        port = server.port
        names = ["127.0.0.1", "192.0.2.7", "[::1]", socket.gethostname(), "rebind.example"]
        statuses = [raw_get(server, "/runs", host=f"{name}:{port}")[0] for name in names]
        wrong_port = raw_get(server, "/runs", host="192.0.2.7:1")[0]

    assert server.url == f"http://127.0.0.1:{port}"
    assert (statuses, wrong_port) == ([200, 200, 200, 200, 421], 421)


def test_stopping_the_server_stops_the_index_reading_every_run(repo: Repo) -> None:
    """Ctrl-C in the first seconds: the warm-up stops at the next file and is over when stop() returns,
    so Python does not exit under it (which aborted with "FATAL: exception not rethrown")."""
    from autopilot.app.ui.server import UiServer

    for n in range(3):
        repo.record(f"run{n}", fix_script())
    server = UiServer(repo.site()).start()
    server.stop()
    closed = repo.site().index
    closed.close()

    assert (server.warming.is_alive(), closed.entries()) == (False, [])
