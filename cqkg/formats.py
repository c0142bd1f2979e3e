"""Every RDF and SPARQL-results format cqkg reads or writes, taken from pyoxigraph's format classes.

pyoxigraph's ``RdfFormat`` and ``QueryResultsFormat`` already know each format's media
type, file extension and W3C IRI; this module only says which of them cqkg offers,
in which order, and looks them up by media type or file name.
"""

from __future__ import annotations

from pathlib import PurePath

import pyoxigraph as ox

#: Graph formats for CONSTRUCT/DESCRIBE answers and the pages' RDF, preferred first.
GRAPH_FORMATS = (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.JSON_LD, ox.RdfFormat.RDF_XML,
                 ox.RdfFormat.TRIG, ox.RdfFormat.N_QUADS)
#: Formats for SELECT and ASK answers, preferred first.
RESULTS_FORMATS = (ox.QueryResultsFormat.JSON, ox.QueryResultsFormat.XML, ox.QueryResultsFormat.CSV,
                   ox.QueryResultsFormat.TSV)
#: What the build reads from ontology/ and data/.
INPUT_FORMATS = (ox.RdfFormat.TURTLE, ox.RdfFormat.TRIG, ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS)
#: The formats whose files keep named graphs (JSON-LD could, but cqkg writes it as one graph).
QUAD_FORMATS = (ox.RdfFormat.N_QUADS, ox.RdfFormat.TRIG)

#: pyoxigraph 0.5 gives JSON-LD the IRI of the newer W3C list; the service description and
#: VoID use the one in https://www.w3.org/ns/formats/, as the other formats do.
_W3C_IRIS = {ox.RdfFormat.JSON_LD: "http://www.w3.org/ns/formats/JSON-LD"}


def media_type(fmt) -> str:
    """The bare media type of ``fmt`` (pyoxigraph adds ``; charset=utf-8`` to CSV and TSV)."""
    return fmt.media_type.partition(";")[0]


def format_iri(fmt) -> str:
    """The W3C format IRI of ``fmt`` (http://www.w3.org/ns/formats/…)."""
    return _W3C_IRIS.get(fmt, fmt.iri)


def graph_format(media: str) -> ox.RdfFormat | None:
    """The graph format cqkg offers for the bare media type ``media``, or None."""
    return _GRAPH_BY_MEDIA_TYPE.get(media)


def results_format(media: str) -> ox.QueryResultsFormat | None:
    """The results format cqkg offers for the bare media type ``media``, or None."""
    return _RESULTS_BY_MEDIA_TYPE.get(media)


def file_format(name: str | PurePath, offered=INPUT_FORMATS) -> ox.RdfFormat | None:
    """The format among ``offered`` that the file name's extension names, or None."""
    return next((f for f in offered if PurePath(name).suffix == "." + f.file_extension), None)


_GRAPH_BY_MEDIA_TYPE = {media_type(f): f for f in GRAPH_FORMATS}
_RESULTS_BY_MEDIA_TYPE = {media_type(f): f for f in RESULTS_FORMATS}
