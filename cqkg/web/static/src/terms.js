// Showing RDF terms: IRIs shortened by prefix, labelled in English and Chinese, linked to their local page.

export const NUMERIC = new Set(["integer", "decimal", "double", "float", "int", "long", "short", "byte",
  "nonNegativeInteger", "positiveInteger", "negativeInteger", "nonPositiveInteger", "unsignedInt", "unsignedLong",
  "unsignedShort", "unsignedByte"].map(name => "http://www.w3.org/2001/XMLSchema#" + name));

/** The labels of the IRIs among ``rows`` (one POST to /labels, at most 1000 IRIs): Map iri → {en, zh, url}. */
export async function fetchLabels(rows, vars) {
  const iris = new Set();
  for (const row of rows) for (const name of vars) if (row[name] && row[name].type === "uri") iris.add(row[name].value);
  const asked = [...iris].slice(0, 1000);
  if (!asked.length) return new Map();
  const response = await fetch("labels", { method: "POST", body: JSON.stringify(asked),
    headers: { "Content-Type": "application/json" } });
  if (!response.ok) return new Map();
  return new Map(Object.entries((await response.json()).labels));
}

/** ``iri`` as prefix:local with the longest matching prefix, else the IRI. */
export function shorten(iri, prefixes) {
  let best = null;
  for (const [prefix, namespace] of Object.entries(prefixes)) {
    if (iri.startsWith(namespace) && (!best || namespace.length > prefixes[best].length)) best = prefix;
  }
  return best ? `${best}:${iri.slice(prefixes[best].length)}` : iri;
}

/** Where a link to ``iri`` goes: its local page for cqkg IRIs (relative, so a path prefix works), else the IRI. */
export function href(iri, base) {
  return iri.startsWith(base) ? iri.slice(base.length) || "./" : iri;
}

/** The text a term sorts and charts by: its English label, else its value. */
export function termText(term, labels) {
  if (!term) return "";
  if (term.type === "uri") { const known = labels.get(term.value); return known ? known.en || known.zh : term.value; }
  return term.value;
}

/** The number of a numeric literal, else null. */
export function termNumber(term) {
  return term && term.type !== "uri" && NUMERIC.has(term.datatype) ? Number(term.value) : null;
}

function escape(text) {
  return String(text).replace(/[&<>"']/g, c => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]);
}

/** The HTML of one cell: a labelled link for an IRI, the value with its language or datatype for a literal. */
export function termHtml(term, labels, prefixes, base) {
  if (!term) return "";
  if (term.type === "uri") {
    const known = labels.get(term.value), short = shorten(term.value, prefixes);
    const zh = known && known.zh && known.zh !== known.en ? ` <span class="term-zh" lang="zh">${escape(known.zh)}</span>` : "";
    const title = known ? (known.en || known.zh) : short;
    return `<a href="${escape(href(term.value, base))}" title="${escape(term.value)}">${escape(title)}</a>${zh}` +
      (known ? `<span class="term-iri">${escape(short)}</span>` : "");
  }
  if (term.type === "bnode") return escape("_:" + term.value);
  const lang = term["xml:lang"];
  if (lang) return `<span lang="${escape(lang)}">${escape(term.value)}</span><span class="lang"> @${escape(lang)}</span>`;
  if (term.datatype && !NUMERIC.has(term.datatype) && !term.datatype.endsWith("#string")) {
    return `${escape(term.value)}<span class="dt"> ${escape(shorten(term.datatype, prefixes))}</span>`;
  }
  return escape(term.value);
}
