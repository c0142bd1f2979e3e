"""Every RDF and SPARQL-results format cqkg reads or writes, taken from pyoxigraph's format classes.

pyoxigraph's ``RdfFormat`` and ``QueryResultsFormat`` already know each format's media
type, file extension and W3C IRI; this module only says which of them cqkg offers,
in which order, and looks them up by media type or file name; ``best_offer`` picks
among media types by a client's Accept header (for /sparql and for the pages).
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import PurePath

import pyoxigraph as ox
from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

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


#: Accept headers up to this length are memoised (clients send a handful of distinct short ones).
CACHED_HEADER_CHARS = 256


def best_offer(accept_header: str | None, offers: tuple[str, ...], synonyms: tuple[tuple[str, str], ...] = ()) -> str | None:
    """The offer the client prefers most by its Accept header (q-values honoured), or None if it accepts none.

    An absent or empty header means ``*/*``. Each media range is reduced to its type
    (parameters such as ``charset`` dropped) and a type in ``synonyms`` (pairs: as sent,
    as offered) counts as the one offered. Decided on werkzeug's parse of the header.
    """
    if len(accept_header or "") > CACHED_HEADER_CHARS:
        return _best_offer(accept_header, offers, synonyms)  # never keep a client's long header in memory
    return _best_offer_cached(accept_header, offers, synonyms)


@lru_cache(maxsize=512)
def _best_offer_cached(accept_header: str | None, offers: tuple[str, ...], synonyms: tuple) -> str | None:
    return _best_offer(accept_header, offers, synonyms)


def _best_offer(accept_header: str | None, offers: tuple[str, ...], synonyms: tuple) -> str | None:
    aliases = dict(synonyms)
    parsed = parse_accept_header(accept_header or "*/*", MIMEAccept)
    canonical = MIMEAccept([(_bare(value, aliases), quality) for value, quality in parsed])
    best = canonical.best_match(offers)
    return best if best and canonical.quality(best) > 0 else None


def _bare(media_range: str, aliases: dict[str, str]) -> str:
    media = media_range.split(";", 1)[0].strip().lower()
    return aliases.get(media, media)
