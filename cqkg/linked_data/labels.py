"""The labels of any IRI, and the few other values pages and descriptions show beside them, kept per process.

A page or a description names every IRI it mentions by its label, and a sentence by its
text and number: about 45 store lookups a page, the same IRIs from page to page. ``Labels``
keeps what each lookup found, for every request of the process: the store it reads is
opened read-only and never changes while the process serves it, and a new build is read
through a new ``KnowledgeGraph``, hence a new ``Labels`` (nothing stale can outlive its store).
The cache is bounded (``CACHE_ENTRIES`` lookups, least recently used out first).
"""

from __future__ import annotations

import threading
from operator import attrgetter

import pyoxigraph as ox
from cachetools import LRUCache, cachedmethod

from cqkg.namespaces import CQ, RDFS_LABEL
from cqkg.store import KnowledgeGraph

LABEL_STATUS = str(CQ.labelStatus)
WORKING = ox.NamedNode(str(CQ.WorkingTranslation))
#: Lookups kept, one per (IRI, property): 2 kB of memory each for labels in English and Chinese, 20 MB in all.
CACHE_ENTRIES = 10_000


class Labels:
    """English and Chinese labels of IRIs (and any property's values), looked up in the store and kept."""

    def __init__(self, kg: KnowledgeGraph, entries: int = CACHE_ENTRIES):
        self.store = kg.store
        self._found: LRUCache = LRUCache(entries)
        self._lock = threading.Lock()  # cachetools is not thread-safe, and a web process serves from many threads

    @cachedmethod(attrgetter("_found"), lock=attrgetter("_lock"))
    def stated(self, iri: str, predicate: str) -> tuple[tuple, ...]:
        """Each (object, graph) of ``<iri> <predicate> ?o`` in the store, the default graph's first (kept once found)."""
        return tuple((quad.object, quad.graph_name)
                     for quad in self.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(predicate), None, None))

    def objects(self, iri: str, predicate: str) -> list:
        """The objects of ``<iri> <predicate> ?o`` in the default graph, in the store's order."""
        return [obj for obj, graph in self.stated(iri, predicate) if isinstance(graph, ox.DefaultGraph)]

    def of(self, iri: str) -> dict[str, str]:
        """{"en": …, "zh": …} for ``iri`` (either may be missing; the first label of each language)."""
        found: dict[str, str] = {}
        for label in self.objects(iri, RDFS_LABEL):
            language = (label.language or "").split("-")[0] if isinstance(label, ox.Literal) else ""
            if language in ("en", "zh") and language not in found:
                found[language] = label.value
        return found

    def first(self, iri: str, predicate: str) -> str | None:
        """The first value of ``predicate`` for ``iri`` (e.g. a sentence's text), or None."""
        values = self.objects(iri, predicate)
        return values[0].value if values else None

    def is_working_translation(self, iri: str) -> bool:
        """True if the Chinese label of ``iri`` is a working translation (not confirmed by an authority)."""
        return WORKING in self.objects(iri, LABEL_STATUS)
