// Running a query against /sparql and reading its answer or its error.

export const ACCEPT = "application/sparql-results+json, text/turtle;q=0.9";

/** A query the endpoint refused or could not answer: status, detail, and the syntax error's line and column. */
export class QueryFailure extends Error {
  constructor(status, detail, retryAfter) {
    super(detail);
    this.status = status;
    this.detail = detail;
    this.retryAfter = retryAfter;
    // cqkg's parse errors read "malformed query: error at LINE:COLUMN: …" (cqkg.store.parser_message and
    // cqkg.query.engines); the endpoint's JSON error has no separate field for the position.
    const where = /error at (\d+):(\d+)/.exec(detail || "");
    this.line = where ? Number(where[1]) : null;
    this.column = where ? Number(where[2]) : null;
  }
}

/** POST ``text`` to /sparql; resolve to {kind: "select"|"ask"|"graph", …, elapsed, truncated}. */
export async function runQuery(text, accept = ACCEPT) {
  const started = performance.now();
  const response = await fetch("sparql", {
    method: "POST", body: new URLSearchParams({ query: text }), headers: { Accept: accept },
  });
  const elapsed = Math.round(performance.now() - started);
  if (!response.ok) throw await failure(response);
  const type = response.headers.get("Content-Type") || "";
  const truncated = response.headers.get("X-CQKG-Truncated") === "true";
  if (type.startsWith("application/sparql-results+json")) {
    const data = await response.json();
    if ("boolean" in data) return { kind: "ask", boolean: data.boolean, elapsed, truncated };
    return { kind: "select", vars: data.head.vars, rows: data.results.bindings, elapsed, truncated };
  }
  return { kind: "graph", text: await response.text(), elapsed, truncated };
}

/** The QueryFailure of a non-2xx response (its JSON error body, or the status line). */
export async function failure(response) {
  const body = await response.json().catch(() => null);
  const detail = body && body.error ? body.error.detail : response.statusText;
  return new QueryFailure(response.status, detail, response.headers.get("Retry-After"));
}
