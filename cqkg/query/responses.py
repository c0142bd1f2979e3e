"""A query request and its response; engine answers made responses: terms of any engine as neutral tuples, and solutions, booleans
and graphs serialised once (``cqkg.query.serialize``) into a QueryResponse, cut at the row limit."""

from __future__ import annotations

from dataclasses import dataclass

from cqkg.errors import NotAcceptableError
from cqkg.namespaces import PREFIXES, RDF_LANGSTRING, XSD_STRING
from cqkg.query import serialize


@dataclass(frozen=True)
class QueryRequest:
    """One query and how to answer it.

    ``default_graphs``/``named_graphs`` are graph IRIs from the protocol's
    default-graph-uri/named-graph-uri (None: the standard dataset);
    ``results_type``/``graph_type`` the negotiated media types (None: not acceptable).
    """

    query: str
    results_type: str | None = "application/sparql-results+json"
    graph_type: str | None = "text/turtle"
    default_graphs: tuple[str, ...] | None = None
    named_graphs: tuple[str, ...] | None = None
    max_rows: int = 10000


@dataclass(frozen=True)
class QueryResponse:
    """The answer: body bytes, media type, kind (solutions, boolean, graph), rows and truncation."""

    body: bytes
    media_type: str
    kind: str
    rows: int
    truncated: bool = False


def json_term(term: dict | None):
    """A SPARQL JSON results term as the neutral term tuple."""
    if term is None:
        return None
    kind = {"typed-literal": "literal"}.get(term["type"], term["type"])
    if kind != "literal":
        return (kind, term["value"], None, None)
    if "xml:lang" in term:
        return ("literal", term["value"], RDF_LANGSTRING, term["xml:lang"])
    return ("literal", term["value"], term.get("datatype", XSD_STRING), None)


def rdflib_term(term):
    """An rdflib term as the neutral term tuple."""
    from rdflib import BNode, Literal, URIRef

    if term is None:
        return None
    if isinstance(term, URIRef):
        return ("uri", str(term), None, None)
    if isinstance(term, BNode):
        return ("bnode", str(term), None, None)
    if isinstance(term, Literal):
        if term.language:
            return ("literal", str(term), RDF_LANGSTRING, term.language)
        return ("literal", str(term), str(term.datatype) if term.datatype else XSD_STRING, None)
    raise TypeError(f"unsupported term {term!r}")


def solutions(variables, rows, request: QueryRequest) -> QueryResponse:
    """The response carrying SELECT ``rows`` in the request's results type, cut at its row limit."""
    if request.results_type is None:
        raise NotAcceptableError("the query gives solutions, but no accepted media type can carry them")
    kept, truncated = take(rows, request.max_rows)
    return QueryResponse(serialize.solutions(variables, kept, request.results_type), request.results_type,
                         "solutions", len(kept), truncated)


def boolean(value: bool, request: QueryRequest) -> QueryResponse:
    """The response carrying an ASK answer in the request's results type."""
    if request.results_type is None:
        raise NotAcceptableError("the query gives a boolean, but no accepted media type can carry it")
    return QueryResponse(serialize.boolean(value, request.results_type), request.results_type, "boolean", 1)


def graph(triples, request: QueryRequest) -> QueryResponse:
    """The response carrying CONSTRUCT/DESCRIBE ``triples`` in the request's graph type, cut at its row limit."""
    if request.graph_type is None:
        raise NotAcceptableError("the query gives a graph, but no accepted media type can carry it")
    kept, truncated = take(triples, request.max_rows)
    return QueryResponse(serialize.graph(kept, request.graph_type, PREFIXES), request.graph_type, "graph",
                         len(kept), truncated)


def take(items, limit: int):
    """Return (at most ``limit`` items as a list, whether more were available)."""
    kept = []
    for item in items:
        if len(kept) == limit:
            return kept, True
        kept.append(item)
    return kept, False
