"""Serialise query results: SPARQL solutions and booleans (JSON, XML, CSV, TSV) and graphs.

Solutions are written here rather than by an engine so that both engines give
byte-identical answers and a result can be cut off at the row limit. A term is a
tuple ``(kind, value, datatype, language)`` with kind ``uri``, ``bnode`` or
``literal`` (None for an unbound variable).
"""

from __future__ import annotations

import csv
import io
import json
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from cqkg.formats import graph_format
from cqkg.namespaces import XSD_STRING



def solutions(variables: list[str], rows: list[tuple], media_type: str) -> bytes:
    """Serialise SELECT results (``rows`` of terms in ``variables`` order) as ``media_type``."""
    writer = {"application/sparql-results+json": _json, "application/sparql-results+xml": _xml,
              "text/csv": _csv, "text/tab-separated-values": _tsv}[media_type]
    return writer(variables, rows).encode("utf-8")


def boolean(value: bool, media_type: str) -> bytes:
    """Serialise an ASK result as ``media_type`` (CSV and TSV write ``true``/``false``)."""
    if media_type == "application/sparql-results+json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if media_type == "application/sparql-results+xml":
        return (f'<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#">'
                f"<head/><boolean>{'true' if value else 'false'}</boolean></sparql>\n").encode()
    return (("true" if value else "false") + "\n").encode()


def graph(triples: list[ox.Triple], media_type: str, prefixes: dict[str, str] | None = None) -> bytes:
    """Serialise CONSTRUCT/DESCRIBE triples as ``media_type`` (in the default graph for TriG/N-Quads)."""
    fmt = graph_format(media_type)
    if fmt in (ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS):
        triples = [ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in triples]
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.RDF_XML):
        return ox.serialize(triples, format=fmt, prefixes=prefixes or {})
    return ox.serialize(triples, format=fmt)


def oxigraph_term(term) -> tuple | None:
    """Convert a pyoxigraph term to the neutral term tuple."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return ("uri", term.value, None, None)
    if isinstance(term, ox.BlankNode):
        return ("bnode", term.value, None, None)
    if isinstance(term, ox.Triple):  # an RDF 1.2 triple term
        return ("triple", tuple(oxigraph_term(t) for t in (term.subject, term.predicate, term.object)), None, None)
    return ("literal", term.value, term.datatype.value, term.language)


def _json(variables, rows) -> str:
    bindings = []
    for row in rows:
        binding = {}
        for name, term in zip(variables, row):
            if term is not None:
                binding[name] = _json_term(term)
        bindings.append(binding)
    return json.dumps({"head": {"vars": variables}, "results": {"bindings": bindings}}, ensure_ascii=False)


def _json_term(term) -> dict:
    kind, value, datatype, language = term
    if kind == "triple":  # SPARQL 1.2 Query Results JSON
        return {"type": "triple", "value": dict(zip(("subject", "predicate", "object"), map(_json_term, value)))}
    entry = {"type": kind, "value": value}
    if language:
        entry["xml:lang"] = language
    elif kind == "literal" and datatype and datatype != XSD_STRING:
        entry["datatype"] = datatype
    return entry


def _xml(variables, rows) -> str:
    out = ['<?xml version="1.0"?>\n<sparql xmlns="http://www.w3.org/2005/sparql-results#"><head>']
    out += [f"<variable name={quoteattr(v)}/>" for v in variables]
    out.append("</head><results>")
    for row in rows:
        out.append("<result>")
        for name, term in zip(variables, row):
            if term is not None:
                out.append(f"<binding name={quoteattr(name)}>{_xml_term(term)}</binding>")
        out.append("</result>")
    out.append("</results></sparql>\n")
    return "".join(out)


def _xml_term(term) -> str:
    kind, value, datatype, language = term
    if kind == "triple":  # SPARQL 1.2 Query Results XML
        parts = (f"<{role}>{_xml_term(t)}</{role}>" for role, t in zip(("subject", "predicate", "object"), value))
        return "<triple>" + "".join(parts) + "</triple>"
    if kind == "uri":
        return f"<uri>{escape(value)}</uri>"
    if kind == "bnode":
        return f"<bnode>{escape(value)}</bnode>"
    if language:
        return f"<literal xml:lang={quoteattr(language)}>{escape(value)}</literal>"
    if datatype and datatype != XSD_STRING:
        return f"<literal datatype={quoteattr(datatype)}>{escape(value)}</literal>"
    return f"<literal>{escape(value)}</literal>"


def _csv_cell(term) -> str:
    if term is None:
        return ""
    if term[0] == "triple":
        return _tsv_term(term)
    return "_:" + term[1] if term[0] == "bnode" else term[1]


def _csv(variables, rows) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(variables)
    for row in rows:
        writer.writerow([_csv_cell(t) for t in row])
    return buffer.getvalue()


def _tsv(variables, rows) -> str:
    lines = ["\t".join("?" + v for v in variables)]
    lines += ["\t".join(_tsv_term(t) for t in row) for row in rows]
    return "\n".join(lines) + "\n"


def _tsv_term(term) -> str:
    if term is None:
        return ""
    kind, value, datatype, language = term
    if kind == "triple":
        return "<<( " + " ".join(_tsv_term(t) for t in value) + " )>>"
    if kind == "uri":
        return f"<{value}>"
    if kind == "bnode":
        return f"_:{value}"
    text = '"' + value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t").replace("\r", "\\r") + '"'
    if language:
        return f"{text}@{language}"
    if datatype and datatype != XSD_STRING:
        return f"{text}^^<{datatype}>"
    return text
