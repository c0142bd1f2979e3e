"""The ontology's hierarchy (loaded once per build) and the labels of any IRI, for pages.

``Vocabulary.load(kg)`` reads the direct ``rdfs:subClassOf`` and ``rdfs:subPropertyOf``
axioms of the ontology graph with one SPARQL query: the hierarchy is small and never
changes while a build is served, so pages walk it in memory (super/sub terms, the
chain of axioms behind an inferred type). ``Labels`` looks labels up in the store on
demand, remembering them for one request.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

import pyoxigraph as ox

from cqkg.namespaces import CQ, ONTOLOGY_GRAPH, RDFS_LABEL, shorten
from cqkg.store import KnowledgeGraph

LABEL = ox.NamedNode(RDFS_LABEL)
LABEL_STATUS = ox.NamedNode(str(CQ.labelStatus))
WORKING = ox.NamedNode(str(CQ.WorkingTranslation))

HIERARCHY = f"""
SELECT ?narrower ?axiom ?broader WHERE {{
    GRAPH <{ONTOLOGY_GRAPH}> {{ ?narrower ?axiom ?broader }}
    VALUES ?axiom {{ rdfs:subClassOf rdfs:subPropertyOf }}
    FILTER(isIRI(?narrower) && isIRI(?broader))
}} LIMIT 100000
"""


@dataclass
class Vocabulary:
    """Direct super- and sub-terms of every class and property the ontology graph relates."""

    broader: dict[str, set[str]] = field(default_factory=dict)
    narrower: dict[str, set[str]] = field(default_factory=dict)

    @classmethod
    def load(cls, kg: KnowledgeGraph) -> "Vocabulary":
        """Read the ontology's direct subclass and subproperty axioms from ``kg``."""
        vocabulary = cls()
        for row in kg.select(HIERARCHY):
            vocabulary.broader.setdefault(row["narrower"], set()).add(row["broader"])
            vocabulary.narrower.setdefault(row["broader"], set()).add(row["narrower"])
        return vocabulary

    def chain(self, start: str, end: str) -> list[str]:
        """The shortest list of terms from ``start`` up to ``end`` along direct axioms ([] if none)."""
        previous: dict[str, str | None] = {start: None}
        queue = deque([start])
        while queue:
            current = queue.popleft()
            if current == end:
                path = [current]
                while previous[path[-1]] is not None:
                    path.append(previous[path[-1]])
                return path[::-1]
            for parent in sorted(self.broader.get(current, ())):
                if parent not in previous:
                    previous[parent] = current
                    queue.append(parent)
        return []

    def descendants(self, top: str) -> set[str]:
        """``top`` and every term below it."""
        found, stack = {top}, [top]
        while stack:
            for child in self.narrower.get(stack.pop(), ()):
                if child not in found:
                    found.add(child)
                    stack.append(child)
        return found


class Labels:
    """English and Chinese labels of IRIs, looked up in the store's default graph and remembered."""

    def __init__(self, kg: KnowledgeGraph):
        self.store = kg.store
        self.seen: dict[str, dict[str, str]] = {}

    def of(self, iri: str) -> dict[str, str]:
        """{"en": …, "zh": …} for ``iri`` (either may be missing; the first label of each language)."""
        if iri not in self.seen:
            found: dict[str, str] = {}
            for quad in self.store.quads_for_pattern(ox.NamedNode(iri), LABEL, None, ox.DefaultGraph()):
                language = (quad.object.language or "").split("-")[0] if isinstance(quad.object, ox.Literal) else ""
                if language in ("en", "zh") and language not in found:
                    found[language] = quad.object.value
            self.seen[iri] = found
        return self.seen[iri]

    def name(self, iri: str) -> str:
        """A readable name: the English label, else the Chinese one, else the prefixed name, else the IRI."""
        labels = self.of(iri)
        return labels.get("en") or labels.get("zh") or shorten(iri) or iri

    def first(self, iri: str, predicate: str) -> str | None:
        """The first value of ``predicate`` for ``iri`` (e.g. a sentence's text), or None."""
        quad = next(self.store.quads_for_pattern(ox.NamedNode(iri), ox.NamedNode(predicate), None, ox.DefaultGraph()), None)
        return None if quad is None else quad.object.value

    def is_working_translation(self, iri: str) -> bool:
        """True if the Chinese label of ``iri`` is a working translation (not confirmed by an authority)."""
        return any(True for _ in self.store.quads_for_pattern(ox.NamedNode(iri), LABEL_STATUS, WORKING, ox.DefaultGraph()))
