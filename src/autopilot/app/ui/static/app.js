// autopilot ui: the little behaviour the server-rendered pages need. No framework, no build step.
"use strict";

function $(selector, root) { return (root || document).querySelector(selector); }
function $all(selector, root) { return Array.from((root || document).querySelectorAll(selector)); }
function readJson(id) { const el = document.getElementById(id); return el ? JSON.parse(el.textContent) : null; }
function money(value) { return "$" + Number(value || 0).toFixed(4); }
function count(value) { return Number(value || 0).toLocaleString("en-US"); }
function duration(ms) {
  const seconds = Math.max(0, ms / 1000);
  if (seconds < 60) return seconds.toFixed(1) + "s";
  const minutes = Math.floor(seconds / 60), rest = Math.floor(seconds % 60);
  if (minutes < 60) return minutes + "m" + String(rest).padStart(2, "0") + "s";
  return Math.floor(minutes / 60) + "h" + String(minutes % 60).padStart(2, "0") + "m";
}
function palette(i) { return ["#2f5fd0", "#1f7a3a", "#9a6700", "#6f42c1", "#b3261e", "#0a7c86", "#8a8f98"][i % 7]; }

// Runs list: pick two runs to compare.
function setupCompareSelection() {
  const link = $("#compare-selected");
  if (!link) return;
  const update = () => {
    const picked = $all("input.pick:checked").map((box) => box.value);
    link.hidden = picked.length !== 2;
    if (picked.length === 2) link.href = "/compare?a=" + encodeURIComponent(picked[0]) + "&b=" + encodeURIComponent(picked[1]);
  };
  $all("input.pick").forEach((box) => box.addEventListener("change", update));
  update();
}

// Copy buttons (the resume command).
function setupCopy() {
  $all("button[data-copy]").forEach((button) => button.addEventListener("click", async () => {
    const text = document.getElementById(button.dataset.copy).textContent;
    try { await navigator.clipboard.writeText(text); button.textContent = "copied"; }
    catch (error) {
      const range = document.createRange();
      range.selectNodeContents(document.getElementById(button.dataset.copy));
      getSelection().removeAllRanges(); getSelection().addRange(range);
      button.textContent = "selected: press Ctrl-C";
    }
  }));
}

// Run page: scroll to the step asked for with ?step=N.
function setupJump() {
  const timeline = $("#timeline");
  if (!timeline || timeline.dataset.jump === undefined) return;
  const target = document.getElementById("step-" + timeline.dataset.jump);
  if (target) { target.classList.add("jumped"); target.scrollIntoView({ block: "center" }); }
}

let turnChart = null;

// Run page: tokens (stacked bars) and cost (line) per model turn; a click opens the turn's step.
function setupTurnChart() {
  const canvas = $("#turn-chart"), series = readJson("turn-data");
  if (!canvas || !series || !window.Chart) return;
  const key = $("#run-header").dataset.key;
  turnChart = new Chart(canvas, {
    type: "bar",
    data: {
      labels: series.step.map((_, i) => "turn " + (i + 1)),
      datasets: [
        { label: "input", data: series.input, backgroundColor: palette(0), stack: "tokens", order: 1 },
        { label: "output", data: series.output, backgroundColor: palette(1), stack: "tokens", order: 1 },
        { label: "cache read", data: series.cache_read, backgroundColor: palette(6), stack: "tokens", order: 1 },
        { label: "cache write", data: series.cache_write, backgroundColor: palette(2), stack: "tokens", order: 1 },
        // order 0: the cost line is drawn over the bars.
        { label: "cost (USD)", data: series.cost, type: "line", borderColor: palette(4), backgroundColor: palette(4), yAxisID: "cost", order: 0 },
      ],
    },
    options: {
      animation: false, responsive: true, aspectRatio: 4,
      scales: { y: { stacked: true, title: { display: true, text: "tokens" } }, x: { stacked: true },
        cost: { position: "right", grid: { drawOnChartArea: false }, title: { display: true, text: "USD" } } },
      onClick: (event, elements) => {
        if (!elements.length) return;
        const step = series.step[elements[0].index];
        location.href = "/runs/" + key.split("/").map(encodeURIComponent).join("/") + "?step=" + step + "#step-" + step;
      },
    },
  });
  turnChart.$series = series;
}

// Live page: follow the journal over server-sent events.
function setupLive() {
  const header = $("#run-header");
  if (!header || !header.dataset.follow) return;
  const timeline = $("#timeline");
  const started = Date.parse(header.dataset.started);
  let ended = false;
  const totals = {
    cost: Number($("#total-cost").dataset.value || 0),
    input: Number($("#total-input").dataset.value || 0),
    output: Number($("#total-output").dataset.value || 0),
    turns: Number($("#total-turns").textContent || 0),
  };
  const show = () => {
    $("#total-cost").textContent = money(totals.cost);
    $("#total-input").textContent = count(totals.input);
    $("#total-output").textContent = count(totals.output);
    $("#total-turns").textContent = totals.turns;
  };
  const tick = setInterval(() => {
    if (!ended && !Number.isNaN(started)) $("#total-duration").textContent = duration(Date.now() - started);
  }, 1000);
  const setStatus = (status) => {
    const badge = $("h1 .status");
    badge.className = "status status-" + status;
    badge.textContent = status;
    header.dataset.status = status;
  };
  const source = new EventSource(header.dataset.follow);
  source.addEventListener("step", (message) => {
    const data = JSON.parse(message.data);
    const nearBottom = window.innerHeight + window.scrollY >= document.body.scrollHeight - 200;
    const empty = $("#no-steps");
    if (empty) empty.remove();
    const call = data.step.type === "tool_result" && data.step.tool_use_id
      ? $('li[data-tool-use-id="' + CSS.escape(data.step.tool_use_id) + '"]') : null;
    if (call && data.result_html) {
      $(".result-slot", call).innerHTML = data.result_html;
      if (data.step.is_error) call.classList.add("is-error");
    } else {
      timeline.insertAdjacentHTML("beforeend", data.html);
    }
    $("#total-steps").textContent = data.number + 1;
    const usage = data.step.usage;
    if (usage) {
      totals.cost += Number(usage.cost_usd || 0);
      totals.input += Number(usage.input_tokens || 0);
      totals.output += Number(usage.output_tokens || 0);
      totals.turns += 1;
      if (turnChart) {
        const s = turnChart.$series;
        s.step.push(data.number);
        turnChart.data.labels.push("turn " + s.step.length);
        [usage.input_tokens, usage.output_tokens, usage.cache_read_tokens, usage.cache_creation_tokens, usage.cost_usd]
          .forEach((value, i) => turnChart.data.datasets[i].data.push(Number(value || 0)));
        turnChart.update();
      }
    }
    show();
    if (nearBottom) window.scrollTo(0, document.body.scrollHeight);
  });
  source.addEventListener("status", (message) => {
    const data = JSON.parse(message.data);
    $("#live-state").textContent = data.live ? "live" : "no end record, and no autopilot process is recording it (killed?)";
    setStatus(data.live ? "running" : "incomplete");
  });
  source.addEventListener("resumed", () => { $("#live-state").textContent = "live (resumed)"; setStatus("running"); });
  source.addEventListener("end", (message) => {
    const data = JSON.parse(message.data);
    ended = true;
    clearInterval(tick);
    source.close();
    const status = (data.result && data.result.status) || "ended";
    setStatus(status);
    if (data.usage) {
      totals.cost = Number(data.usage.cost_usd || totals.cost);
      totals.input = Number(data.usage.input_tokens || totals.input);
      totals.output = Number(data.usage.output_tokens || totals.output);
    }
    if (data.result && data.result.num_turns) totals.turns = data.result.num_turns;
    if (data.result && data.result.duration_ms) $("#total-duration").textContent = duration(data.result.duration_ms);
    show();
    $("#live-state").textContent = "finished";
    const end = $("#end-status");
    end.textContent = "ended: ";
    const badge = document.createElement("span");
    badge.className = "status status-" + status;
    badge.textContent = status;
    end.appendChild(badge);
    if (data.result && data.result.error) end.appendChild(document.createTextNode(" · " + data.result.error));
    end.hidden = false;
    // The journal is gone once the run has ended: the run is resumed from its .json.
    const resume = $("#resume-command");
    if (resume) resume.textContent = resume.textContent.replace(/\.journal\.jsonl$/, ".json");
  });
}

// Costs page: cost per day (bars, tokens as a line) and by model, agent and issue.
function setupCosts() {
  const data = readJson("cost-data");
  if (!data || !window.Chart) return;
  const day = $("#chart-day");
  if (day) {
    new Chart(day, {
      type: "bar",
      data: {
        labels: data.day.map((row) => row.name),
        datasets: [
          { label: "cost (USD)", data: data.day.map((row) => row.cost_usd), backgroundColor: palette(0), yAxisID: "y", order: 1 },
          { label: "tokens in + out", data: data.day.map((row) => row.input_tokens + row.output_tokens), type: "line", borderColor: palette(1), backgroundColor: palette(1), yAxisID: "tokens", order: 0 },
        ],
      },
      options: { animation: false, scales: { y: { title: { display: true, text: "USD" } }, tokens: { position: "right", grid: { drawOnChartArea: false } } } },
    });
  }
  ["model", "agent", "issue"].forEach((group) => {
    const canvas = $("#chart-" + group);
    if (!canvas) return;
    const rows = data[group].slice(0, 15);
    new Chart(canvas, {
      type: "bar",
      data: { labels: rows.map((row) => row.name), datasets: [{ label: "cost (USD)", data: rows.map((row) => row.cost_usd), backgroundColor: rows.map((_, i) => palette(i)) }] },
      options: { animation: false, indexAxis: "y", plugins: { legend: { display: false } } },
    });
  });
}

document.addEventListener("DOMContentLoaded", () => {
  setupCompareSelection();
  setupCopy();
  setupJump();
  setupTurnChart();
  setupLive();
  setupCosts();
});
