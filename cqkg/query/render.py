"""Write query results for people and programs: an aligned table, CSV, or SPARQL JSON."""

from __future__ import annotations

import pyoxigraph as ox
from wcwidth import wcswidth

from cqkg.namespaces import PREFIXES, shorten

FORMATS = ("table", "csv", "json")


def render(result, fmt: str = "table") -> str:
    """Render a query result (solutions, boolean or triples) in ``fmt`` and return the text."""
    if isinstance(result, ox.QueryBoolean):
        return _render_boolean(bool(result), fmt)
    if isinstance(result, ox.QueryTriples):
        return ox.serialize(list(result), format=ox.RdfFormat.TURTLE, prefixes=PREFIXES).decode("utf-8")
    if fmt == "json":
        return result.serialize(format=ox.QueryResultsFormat.JSON).decode("utf-8") + "\n"
    if fmt == "csv":
        return result.serialize(format=ox.QueryResultsFormat.CSV).decode("utf-8")
    names = [v.value for v in result.variables]
    rows = [[_cell(row[name]) for name in names] for row in result]
    return _table(names, rows)


def _render_boolean(value: bool, fmt: str) -> str:
    if fmt == "json":
        return '{"head": {}, "boolean": %s}\n' % ("true" if value else "false")
    return ("true" if value else "false") + "\n"


def _cell(term) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return short_iri(term.value)
    if isinstance(term, ox.Literal):
        return term.value + (f"@{term.language}" if term.language else "")
    return str(term)


def short_iri(iri: str) -> str:
    """Write ``iri`` as prefix:local when a cqkg prefix covers it, else as <iri>."""
    return shorten(iri) or f"<{iri}>"


def _table(names, rows) -> str:
    widths = [max([_width(n)] + [_width(r[i]) for r in rows]) for i, n in enumerate(names)]
    line = lambda cells: "  ".join(c + " " * (w - _width(c)) for c, w in zip(cells, widths)).rstrip()
    out = [line(names), line(["-" * w for w in widths])] + [line(r) for r in rows]
    out.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(out) + "\n"


def _width(text: str) -> int:
    """Columns ``text`` takes on a terminal: Chinese characters take two (wcwidth)."""
    width = wcswidth(text)
    return width if width >= 0 else len(text)  # -1: a control character; count characters
