"""Content negotiation for pages and descriptions: the Accept header (q-values honoured) or a suffix.

A browser asking ``text/html`` gets the page; a program gets the description in
Turtle, N-Triples, JSON-LD, RDF/XML, TriG or N-Quads. ``choose`` decides with
``cqkg.formats.best_offer``, as /sparql does, with common synonyms mapped to the type
served. A suffix (``/id/org/cigit.ttl``) names one representation whatever the header.
"""

from __future__ import annotations

from cqkg.formats import best_offer
from cqkg.linked_data.rdf import REPRESENTATIONS

HTML = "text/html"
#: Every representation of a resource, in the order preferred when the client has no preference.
OFFERS = (HTML,) + tuple(r.media_type for r in REPRESENTATIONS)
SUFFIXES = {"html": HTML, **{r.suffix: r.media_type for r in REPRESENTATIONS}}
SUFFIX_OF = {media: suffix for suffix, media in SUFFIXES.items()}
#: Media types clients send for a type served under another name: (as sent, as served).
SYNONYMS = (("application/xhtml+xml", HTML), ("application/json", "application/ld+json"), ("text/n3", "text/turtle"),
            ("application/x-turtle", "text/turtle"), ("text/plain", "application/n-triples"))


def choose(accept_header: str | None, offers: tuple[str, ...] = OFFERS, synonyms: bool = True) -> str | None:
    """The offer the client prefers most (None: it accepts none). An absent or empty header means ``*/*``.

    ``synonyms`` maps the types of SYNONYMS to the RDF types served (off where JSON means plain JSON).
    """
    return best_offer(accept_header, offers, SYNONYMS if synonyms else ())


def prefers_html(accept_header: str | None, alternative: str) -> bool:
    """True if the client prefers HTML to ``alternative``: a browser; a client accepting anything gets ``alternative``."""
    return choose(accept_header, (alternative, HTML), synonyms=False) == HTML


def split_suffix(path: str) -> tuple[str, str | None]:
    """``("id/org/cigit", "text/turtle")`` for ``"id/org/cigit.ttl"``; the path and None without a known suffix."""
    stem, dot, suffix = path.rpartition(".")
    if dot and stem and "/" not in suffix and suffix in SUFFIXES:
        return stem, SUFFIXES[suffix]
    return path, None
