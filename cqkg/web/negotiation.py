"""Content negotiation for pages and descriptions: the Accept header (q-values honoured) or a suffix.

A browser asking ``text/html`` gets the page; a program gets the description in
Turtle, N-Triples, JSON-LD, RDF/XML, TriG or N-Quads. ``choose`` decides on
werkzeug's parse of the header (``MIMEAccept``), each media range reduced to its
type (parameters such as ``charset`` dropped) and common synonyms mapped to the type
served. A suffix (``/id/org/cigit.ttl``) names one representation whatever the header.
"""

from __future__ import annotations

from functools import lru_cache

from werkzeug.datastructures import MIMEAccept
from werkzeug.http import parse_accept_header

from cqkg.linked_data.rdf import REPRESENTATIONS

HTML = "text/html"
#: Every representation of a resource, in the order preferred when the client has no preference.
OFFERS = (HTML,) + tuple(r.media_type for r in REPRESENTATIONS)
SUFFIXES = {"html": HTML, **{r.suffix: r.media_type for r in REPRESENTATIONS}}
SUFFIX_OF = {media: suffix for suffix, media in SUFFIXES.items()}
#: Media types clients send for a type served under another name.
SYNONYMS = {"application/xhtml+xml": HTML, "application/json": "application/ld+json", "text/n3": "text/turtle",
            "application/x-turtle": "text/turtle", "text/plain": "application/n-triples"}
#: Accept headers up to this length are memoised (clients send a handful of distinct short ones).
CACHED_HEADER_CHARS = 256


def choose(accept_header: str | None, offers: tuple[str, ...] = OFFERS, synonyms: bool = True) -> str | None:
    """The offer the client prefers most (None: it accepts none). An absent or empty header means ``*/*``.

    ``synonyms`` maps the types of SYNONYMS to the RDF types served (off where JSON means plain JSON).
    """
    if len(accept_header or "") > CACHED_HEADER_CHARS:
        return _choose(accept_header, offers, synonyms)  # never keep a client's long header in memory
    return _choose_cached(accept_header, offers, synonyms)


@lru_cache(maxsize=256)
def _choose_cached(accept_header: str | None, offers: tuple[str, ...], synonyms: bool) -> str | None:
    return _choose(accept_header, offers, synonyms)


def _choose(accept_header: str | None, offers: tuple[str, ...], synonyms: bool) -> str | None:
    parsed = parse_accept_header(accept_header or "*/*", MIMEAccept)
    canonical = MIMEAccept([(_canonical(value, synonyms), quality) for value, quality in parsed])
    best = canonical.best_match(offers)
    return best if best and canonical.quality(best) > 0 else None


def _canonical(media_range: str, synonyms: bool) -> str:
    media = media_range.split(";", 1)[0].strip().lower()
    return SYNONYMS.get(media, media) if synonyms else media


def prefers_html(accept_header: str | None, alternative: str) -> bool:
    """True if the client prefers HTML to ``alternative``: a browser; a client accepting anything gets ``alternative``."""
    return choose(accept_header, (alternative, HTML), synonyms=False) == HTML


def split_suffix(path: str) -> tuple[str, str | None]:
    """``("id/org/cigit", "text/turtle")`` for ``"id/org/cigit.ttl"``; the path and None without a known suffix."""
    stem, dot, suffix = path.rpartition(".")
    if dot and stem and "/" not in suffix and suffix in SUFFIXES:
        return stem, SUFFIXES[suffix]
    return path, None
