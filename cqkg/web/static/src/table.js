// The results table: Grid.js, sortable by any column (numbers by value, terms by label), 50 rows a page.
import { Grid, html } from "gridjs";
import { termHtml, termNumber, termText } from "./terms.js";

export const PAGE_ROWS = 50;

/** Draw the rows of a SELECT ``result`` into ``container``. */
export function renderTable(container, result, labels, prefixes, base) {
  container.textContent = "";
  const columns = result.vars.map(name => ({
    name,
    formatter: term => html(termHtml(term, labels, prefixes, base)),
    sort: { compare: (a, b) => compareTerms(a, b, labels) },
  }));
  const data = result.rows.map(row => result.vars.map(name => row[name] || null));
  const grid = new Grid({ columns, data, sort: true, pagination: { limit: PAGE_ROWS, summary: true },
    className: { table: "results-table" } });
  grid.render(container);
  return grid;
}

/** Order of two cells: unbound last, numbers by value, everything else by its label or value. */
export function compareTerms(a, b, labels) {
  if (!a || !b) return !a && !b ? 0 : a ? -1 : 1;
  const x = termNumber(a), y = termNumber(b);
  if (x !== null && y !== null) return x - y;
  return termText(a, labels).localeCompare(termText(b, labels), "en", { numeric: true });
}
