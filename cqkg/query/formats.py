"""Media types of SPARQL results and RDF graphs, and content negotiation between them.

``negotiate(accept, format_param)`` picks, for each kind of result, the media type
to answer with: one for solutions and booleans (SELECT/ASK), one for graphs
(CONSTRUCT/DESCRIBE). Either may be None when the client accepts nothing of that
kind (the endpoint then answers 406).
"""

from __future__ import annotations

from dataclasses import dataclass

from cqkg.formats import GRAPH_FORMATS, RESULTS_FORMATS, best_offer, format_iri, media_type

#: Media types for SELECT and ASK results, preferred first.
RESULT_TYPES = tuple(media_type(f) for f in RESULTS_FORMATS)
#: Media types for CONSTRUCT and DESCRIBE results, preferred first.
GRAPH_TYPES = tuple(media_type(f) for f in GRAPH_FORMATS)
#: Short names accepted by the ``format`` parameter: (type for solutions, type for graphs).
#: Every format's file extension, plus the names clients send; "json" and "xml" name
#: both kinds, as SPARQLWrapper and other clients expect.
FORMAT_ALIASES = {
    **{f.file_extension: (media_type(f), None) for f in RESULTS_FORMATS},
    **{f.file_extension: (None, media_type(f)) for f in GRAPH_FORMATS},
    "json": (RESULT_TYPES[0], "application/ld+json"), "xml": (RESULT_TYPES[1], "application/rdf+xml"),
    "turtle": (None, "text/turtle"), "n3": (None, "text/turtle"), "ntriples": (None, "application/n-triples"),
    "json-ld": (None, "application/ld+json"), "rdfxml": (None, "application/rdf+xml"),
    "rdf+xml": (None, "application/rdf+xml"), "nquads": (None, "application/n-quads"),
}
#: W3C format IRIs (https://www.w3.org/ns/formats/) for the service description.
FORMAT_IRIS = {media_type(f): format_iri(f) for f in RESULTS_FORMATS + GRAPH_FORMATS}
#: Media types that are also accepted under another name (clients send these): (as sent, as offered).
SYNONYMS = (("application/json", "application/sparql-results+json"), ("application/xml", "application/sparql-results+xml"),
            ("text/plain", "application/n-triples"), ("application/x-turtle", "text/turtle"), ("text/n3", "text/turtle"))


@dataclass(frozen=True)
class Choice:
    """The media types to answer with for solutions/booleans and for graphs (None: not acceptable)."""

    results: str | None
    graph: str | None


class UnknownFormat(ValueError):
    """The ``format`` parameter names no format cqkg knows."""


def negotiate(accept_header: str | None, format_param: str | None = None) -> Choice:
    """Choose the answer's media types from the ``format`` parameter, else the Accept header.

    Honours q-values and wildcards; an absent or empty Accept means ``*/*``.
    Raises UnknownFormat for an unknown ``format`` value.
    """
    if format_param:
        name = format_param.strip().lower()
        if name in FORMAT_ALIASES:
            return Choice(*FORMAT_ALIASES[name])
        media = dict(SYNONYMS).get(name, name)
        if media not in RESULT_TYPES and media not in GRAPH_TYPES:
            raise UnknownFormat(format_param)
        return Choice(media if media in RESULT_TYPES else None, media if media in GRAPH_TYPES else None)
    return Choice(best_offer(accept_header, RESULT_TYPES, SYNONYMS), best_offer(accept_header, GRAPH_TYPES, SYNONYMS))
