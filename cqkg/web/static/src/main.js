// The query page: the editor, the example questions, running (button, Ctrl+Enter, a shared ?query= link),
// the answer as a table or a chart, downloads, and readable errors.
import "gridjs/dist/theme/mermaid.css";
import { createEditor } from "./editor.js";
import { QueryFailure, runQuery } from "./run.js";
import { fetchLabels } from "./terms.js";
import { renderTable } from "./table.js";
import { chartColumns, drawChart } from "./barchart.js";
import { download, FORMATS } from "./downloads.js";

const page = {
  form: document.getElementById("form"),
  textarea: document.getElementById("query"),
  example: document.getElementById("example"),
  description: document.getElementById("example-description"),
  status: document.getElementById("status"),
  tools: document.getElementById("result-tools"),
  results: document.getElementById("results"),
  chart: document.getElementById("chart"),
  viewTable: document.getElementById("view-table"),
  viewChart: document.getElementById("view-chart"),
};
const config = JSON.parse(document.getElementById("cqkg-config").textContent);
const examples = new Map(JSON.parse(document.getElementById("examples").textContent).map(e => [e.name, e]));
const editor = createEditor(page.textarea, () => run());
let prefixes = {};
let last = null; // {text, result, labels, columns}

document.getElementById("editor-kind").textContent = "SPARQL editor · Ctrl+Enter runs";
fetch("editor/terms").then(r => r.ok ? r.json() : { prefixes: {}, terms: [] }).then(vocabulary => {
  prefixes = vocabulary.prefixes;
  editor.setVocabulary(vocabulary);
  if (last) show(last);
});

page.example.addEventListener("change", () => {
  const chosen = examples.get(page.example.value);
  if (!chosen) return;
  editor.setValue(chosen.text);
  page.description.textContent = chosen.description;
});
page.form.addEventListener("submit", event => { event.preventDefault(); run(); });
page.viewTable.addEventListener("click", () => setView("table"));
page.viewChart.addEventListener("click", () => setView("chart"));
for (const button of document.querySelectorAll("#downloads button")) {
  button.addEventListener("click", () => download(last.text, button.dataset.format).catch(showFailure));
}

function setStatus(text, error = false) {
  page.status.className = error ? "error" : "";
  page.status.textContent = text;
}

async function run() {
  const text = editor.getValue();
  // The address bar keeps the query, so the link reproduces it.
  history.replaceState(null, "", "?" + new URLSearchParams({ query: text }).toString());
  editor.clearError();
  setStatus("Running…");
  delete page.status.dataset.rows;
  page.tools.hidden = true;
  page.results.textContent = "";
  page.chart.hidden = true;
  try {
    const result = await runQuery(text);
    const labels = result.kind === "select" ? await fetchLabels(result.rows, result.vars) : new Map();
    last = { text, result, labels, columns: chartColumns(result) };
    show(last);
  } catch (error) {
    showFailure(error);
  }
}

function show({ result, labels, columns }) {
  page.tools.hidden = false;
  for (const button of document.querySelectorAll("#downloads button")) {
    const graph = button.dataset.format === "turtle";
    button.hidden = (result.kind === "graph") !== graph || !(button.dataset.format in FORMATS);
  }
  page.viewChart.disabled = !columns;
  const truncated = result.truncated ? " (truncated: add LIMIT/OFFSET to page)" : "";
  if (result.kind === "ask") {
    page.results.textContent = `Answer: ${result.boolean}`;
    setStatus(`ASK answered in ${result.elapsed} ms`);
  } else if (result.kind === "graph") {
    const pre = document.createElement("pre");
    pre.className = "graph";
    pre.textContent = result.text;
    page.results.replaceChildren(pre);
    setStatus(`Graph answer${truncated} in ${result.elapsed} ms`);
  } else {
    renderTable(page.results, result, labels, prefixes, config.base);
    const rows = result.rows.length;
    setStatus(`${rows} row${rows === 1 ? "" : "s"}${truncated} in ${result.elapsed} ms`);
    page.status.dataset.rows = String(rows);
  }
  setView("table");
}

function setView(view) {
  const chart = view === "chart" && last && last.columns;
  page.viewTable.setAttribute("aria-pressed", String(!chart));
  page.viewChart.setAttribute("aria-pressed", String(Boolean(chart)));
  page.results.hidden = Boolean(chart);
  page.chart.hidden = !chart;
  if (chart) drawChart(page.chart, last.result, last.columns, last.labels);
}

function showFailure(error) {
  if (!(error instanceof QueryFailure)) { setStatus(String(error), true); return; }
  const titles = { 400: "The query is not valid", 429: "Too many queries at once", 503: "The server could not answer in time" };
  setStatus(`Error ${error.status} — ${titles[error.status] || "the query failed"}: ${error.detail}`, true);
  if (error.line !== null) {
    const where = document.createElement("span");
    where.className = "where";
    where.textContent = `line ${error.line}, column ${error.column}`;
    page.status.append(document.createElement("br"), "At ", where);
    editor.markError(error.line, error.column, error.detail);
  }
  if (error.retryAfter) page.status.append(document.createElement("br"), `Try again in ${error.retryAfter} s.`);
}

const linked = new URLSearchParams(window.location.search).get("query");
if (linked) {
  editor.setValue(linked);
  run();
}
