"""The ontology's hierarchy, loaded once per build, for pages.

``Vocabulary.load(kg)`` reads the direct ``rdfs:subClassOf`` and ``rdfs:subPropertyOf``
axioms of the ontology graph with one SPARQL query: the hierarchy is small and never
changes while a build is served, so pages walk it in memory (super/sub terms, the
chain of axioms behind an inferred type).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field

from cqkg.namespaces import ONTOLOGY_GRAPH
from cqkg.store import KnowledgeGraph

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

