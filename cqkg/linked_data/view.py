"""A description arranged for people: values with labels and links, facts grouped by property, sources.

``Values`` turns terms into ``Value``s (a label, a link, the language of a literal) and
graphs into ``Source``s, once per process: they depend on the term and the store alone.
``Viewer`` turns each statement of a description into a ``Fact`` with where it comes from:
the sentence that states it (with its verbatim text), the authority a curated fact
cites (``dcterms:source``), the links graph that verified it, or, for an inferred
fact, the explanations of ``cqkg.linked_data.explain``. Links go to this server's
pages for cqkg's own IRIs (``/id/…``, never w3id.org) and to the IRI itself otherwise.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from operator import attrgetter

import pyoxigraph as ox
from cachetools import LRUCache, cachedmethod

from cqkg.linked_data.describe import Description, Statement
from cqkg.linked_data.explain import Explanation
from cqkg.linked_data.labels import Labels
from cqkg.linked_data.resolve import Kind, kind_of, local_path
from cqkg.namespaces import (ASSERTED_GRAPH, CURATED_GRAPH, INFERRED_GRAPH, LINKS_GRAPHS, ONTOLOGY_GRAPH, RDF_LANGSTRING,
                             SOURCE_GRAPH, XSD_STRING, shorten, term)

TEXT, SOURCE = term("schema:text"), term("dcterms:source")
SENTENCE_NUMBER = term("cq:sentenceNumber")
PLAIN = (XSD_STRING, RDF_LANGSTRING)
#: Values kept per process, and sources: under 1 kB of memory each.
VALUES_KEPT = 10_000


@dataclass(frozen=True)
class Value:
    """A term as shown: its text, where it links (None: nowhere), and for a literal its language or datatype."""

    text: str
    href: str | None = None
    iri: str | None = None
    lang: str | None = None
    datatype: str | None = None
    text_zh: str | None = None


@dataclass(frozen=True)
class Source:
    """Where a fact comes from: kind (sentence, curated, links, source, ontology, derived, inferred) and its graph."""

    kind: str
    graph: str
    href: str | None
    label: str
    text: str | None = None
    number: str | None = None


@dataclass
class Fact:
    """One statement as shown: the property, the other end, its sources and, if inferred, why it holds."""

    predicate: Value
    value: Value
    inferred: bool
    sources: list[Source]
    explanations: list = field(default_factory=list)


@dataclass
class Group:
    """The facts of one property, under its label."""

    predicate: Value
    facts: list[Fact]
    more: int = 0


class Values:
    """Terms as shown (``Value``) and the graphs facts come from (``Source``), made once per process.

    What a term shows depends on the term and the store's labels alone, and the store never changes while
    the process serves it (a new build is read through new ``Labels``, hence new ``Values``). Each kind is
    kept in a bounded cache (VALUES_KEPT, least recently used out first).
    """

    def __init__(self, labels: Labels, entries: int = VALUES_KEPT):
        self.labels = labels
        self._values: LRUCache = LRUCache(entries)
        self._sources: LRUCache = LRUCache(entries)
        self._lock = threading.Lock()  # cachetools is not thread-safe, and a web process serves from many threads

    @cachedmethod(attrgetter("_values"), lock=attrgetter("_lock"))
    def value(self, node) -> Value:
        """A term as shown: IRIs by their label (linked), literals with their language or datatype."""
        if isinstance(node, ox.Literal):
            datatype = node.datatype.value
            shown = None if node.language or datatype in PLAIN else (shorten(datatype) or datatype)
            return Value(node.value, lang=node.language or None, datatype=shown)
        if isinstance(node, ox.BlankNode):
            return Value("_:" + node.value)
        labels = self.labels.of(node.value)
        return Value(labels.get("en") or labels.get("zh") or shorten(node.value) or node.value, href=href(node.value),
                     iri=node.value, text_zh=labels.get("zh") if labels.get("en") else None)

    @cachedmethod(attrgetter("_sources"), lock=attrgetter("_lock"))
    def source(self, graph: str) -> Source:
        """The graph ``graph`` as a fact's source: a sentence (with its text), a links graph, curated, inferred…"""
        if kind_of(graph) is Kind.SENTENCE:
            return Source("sentence", graph, href(graph), self.labels.of(graph).get("en") or graph,
                          self.labels.first(graph, TEXT), self.labels.first(graph, SENTENCE_NUMBER))
        if graph.startswith(LINKS_GRAPHS):
            return Source("links", graph, href(graph), self.labels.of(graph).get("en") or shorten(graph) or graph)
        kinds = {CURATED_GRAPH: ("curated", "curated"), SOURCE_GRAPH: ("source", "source document model"),
                 ONTOLOGY_GRAPH: ("ontology", "ontology"), ASSERTED_GRAPH: ("derived", "derived by the build"),
                 INFERRED_GRAPH: ("inferred", "inferred by OWL 2 RL")}
        kind, label = kinds.get(graph, ("graph", graph))
        return Source(kind, graph, href(graph), label)


class Viewer:
    """Values, facts and sources of one description, from the process's ``Values``."""

    def __init__(self, description: Description, values: Values):
        self.description, self.shared = description, values
        # The terms and graphs of this page, found again without the shared caches' lock (a page asks hundreds of times).
        self.values: dict = {}
        self.found_sources: dict[str, Source] = {}

    def value(self, node) -> Value:
        """A term as shown: IRIs by their label (linked), literals with their language or datatype."""
        found = self.values.get(node)
        if found is None:
            found = self.values[node] = self.shared.value(node)
        return found

    def sources(self, statement: Statement) -> list[Source]:
        """Where ``statement`` comes from, one Source per graph that states it."""
        return [self._source(graph) for graph in statement.graphs]

    def _source(self, graph: str) -> Source:
        found = self.found_sources.get(graph)
        if found is None:
            found = self.found_sources[graph] = self.shared.source(graph)
        return found

    def sentence(self, iri: str) -> Source:
        """A sentence cited anywhere (also as a curated fact's authority), with its verbatim text."""
        return self._source(iri)

    def fact(self, statement: Statement, outgoing: bool = True, explanations=()) -> Fact:
        """``statement`` as a Fact seen from its subject (``outgoing``) or from its object."""
        other = statement.object if outgoing else statement.subject
        return Fact(self.value(statement.predicate), self.value(other), statement.inferred, self.sources(statement),
                    [self.explanation(e) for e in explanations])

    def explanation(self, explanation: Explanation) -> dict:
        """An explanation as shown: what the rule says, and each part as three values with its status."""
        return {"rule": explanation.rule.name, "says": explanation.rule.says,
                "parts": [{"role": part.role, "inferred": part.inferred,
                           "triple": [self.value(part.subject), self.value(part.predicate), self.value(part.object)]}
                          for part in explanation.parts]}

    def groups(self, statements: list[Statement], outgoing: bool = True, explanations=None,
               per_property: int | None = None) -> list[Group]:
        """Facts grouped by property, properties ordered by label, facts stated before inferred.

        With ``per_property``, a group shows that many facts and counts the others in ``more``.
        """
        explanations = explanations or {}
        by_predicate: dict[str, list[Statement]] = {}
        for statement in statements:
            by_predicate.setdefault(statement.predicate.value, []).append(statement)
        groups = []
        for predicate, members in by_predicate.items():
            members.sort(key=lambda s: (s.inferred, str(s.object if outgoing else s.subject)))
            shown = members[:per_property] if per_property else members
            facts = [self.fact(s, outgoing, explanations.get((predicate, str(s.object)), ())) for s in shown]
            groups.append(Group(self.value(ox.NamedNode(predicate)), facts, len(members) - len(shown)))
        return sorted(groups, key=lambda g: g.predicate.text.lower())

    def cited_sentences(self) -> list[Source]:
        """Every sentence whose graph states one of the facts, or that a fact cites, in sentence order."""
        statements = self.description.statements + self.description.incoming
        found = {g for s in statements for g in s.graphs if kind_of(g) is Kind.SENTENCE}
        found |= {s.object.value for s in self.description.statements
                  if s.predicate.value == SOURCE and isinstance(s.object, ox.NamedNode) and kind_of(s.object.value) is Kind.SENTENCE}
        return [self.sentence(iri) for iri in sorted(found)]

    def authorities(self) -> list[Value]:
        """What the curated facts about the subject cite (its ``dcterms:source`` in graph/curated)."""
        return [self.value(s.object) for s in self.description.statements
                if s.predicate.value == SOURCE and CURATED_GRAPH in s.graphs]


def href(iri: str) -> str:
    """Where a page links for ``iri``: this server's page for cqkg's IRIs, the IRI itself otherwise."""
    return local_path(iri) or iri
