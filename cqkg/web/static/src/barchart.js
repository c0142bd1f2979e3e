// The chart view: a bar chart (Chart.js, drawn on a canvas in the page) for results with a label column and
// one number column.
import { BarController, BarElement, CategoryScale, Chart, LinearScale, Tooltip } from "chart.js";
import { termNumber, termText } from "./terms.js";

Chart.register(BarController, BarElement, CategoryScale, LinearScale, Tooltip);
Chart.defaults.font.family = 'system-ui, "Noto Sans CJK SC", "PingFang SC", "Microsoft YaHei", sans-serif';

/** {label, value} variable names when ``result`` has exactly one numeric column and a column to label it; else null. */
export function chartColumns(result) {
  if (result.kind !== "select" || !result.rows.length) return null;
  const numeric = result.vars.filter(name => result.rows.every(row => !row[name] || termNumber(row[name]) !== null)
    && result.rows.some(row => row[name]));
  const other = result.vars.filter(name => !numeric.includes(name) && result.rows.some(row => row[name]));
  return numeric.length === 1 && other.length >= 1 ? { label: other[0], value: numeric[0] } : null;
}

let current = null;

/** Draw the bars of ``result`` (one per row, at most 200) into ``container``. */
export function drawChart(container, result, columns, labels) {
  if (current) current.destroy();
  container.textContent = "";
  const rows = result.rows.slice(0, 200);
  const canvas = document.createElement("canvas");
  const wrapper = document.createElement("div");
  const horizontal = rows.length > 12;
  wrapper.style.position = "relative";
  wrapper.style.height = horizontal ? `${Math.max(300, rows.length * 22)}px` : "360px";
  wrapper.append(canvas);
  container.append(wrapper);
  current = new Chart(canvas, {
    type: "bar",
    data: {
      labels: rows.map(row => termText(row[columns.label], labels)),
      datasets: [{ label: columns.value, data: rows.map(row => termNumber(row[columns.value])), backgroundColor: "#4a7fd4" }],
    },
    options: { indexAxis: horizontal ? "y" : "x", animation: false, maintainAspectRatio: false,
      scales: { x: { ticks: { autoSkip: false } }, y: { ticks: { autoSkip: false } } } },
  });
  container.dataset.bars = String(rows.length);
  container.dataset.labelColumn = columns.label;
  container.dataset.valueColumn = columns.value;
}
