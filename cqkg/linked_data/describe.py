"""The description of one IRI: its statements, each with the graphs that state it, and their context.

A description holds, as ``Statement``s (a triple and its *origin* graphs):

- ``statements``: every triple with the IRI as subject;
- ``incoming``: triples with the IRI as object (at most ``INCOMING_LIMIT``);
- ``content``: for a graph name (a sentence, a links graph, the ontology), the
  triples of that graph when it is small enough to list (at most ``CONTENT_LIMIT``);
- ``context`` (added by ``context``, for the RDF formats): the labels of every IRI
  these mention, and the text of the sentences and the description of the links graphs they cite;
- ``figures``: for a graph name, its size (``void:triples``, from the build's
  manifest) and the dump that holds it whole (``void:dataDump``); for the
  ontology's version IRI, the ontology it is a version of (``dcterms:isVersionOf``).

A triple's origin graphs are the named graphs holding it, but ``graph/asserted``
only when nothing else holds it (asserted is the union of the data's own graphs,
so the sentence or ``graph/curated`` says more). ``graph/inferred`` marks what OWL 2
RL entails and no graph states. Every query is bounded by a LIMIT, and so is the context.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from itertools import islice

import pyoxigraph as ox

from cqkg.namespaces import ASSERTED_GRAPH, GRAPH, INFERRED_GRAPH, LINKS_GRAPHS, ONTOLOGY_GRAPH, RDFS_LABEL, term
from cqkg.linked_data.labels import Labels
from cqkg.linked_data.resolve import Kind, kind_of
from cqkg.release.void import DOWNLOADS
from cqkg.store import KnowledgeGraph

STATEMENT_LIMIT = 5000
INCOMING_LIMIT = 2000
CONTENT_LIMIT = 500
ONTOLOGY_LIMIT = 20000
CONTEXT_LIMIT = 5000
#: The dump holding every graph whole, named in the description of a graph too large to list.
FULL_DUMP = "cqkg-all.nq"
#: What the context gives for each IRI a description mentions, and for the graphs its facts come from.
LABEL_PROPERTIES = (RDFS_LABEL,)
SOURCE_PROPERTIES = (RDFS_LABEL, term("schema:text"), term("cq:sentenceNumber"), term("dcterms:source"),
                     term("prov:generatedAtTime"))


@dataclass(frozen=True)
class Statement:
    """One triple and the graphs that state it (``graph/inferred`` when it is only entailed)."""

    subject: ox.NamedNode | ox.BlankNode
    predicate: ox.NamedNode
    object: ox.NamedNode | ox.BlankNode | ox.Literal
    graphs: tuple[str, ...]

    @property
    def inferred(self) -> bool:
        """True if OWL 2 RL entails the triple and no graph states it."""
        return self.graphs == (INFERRED_GRAPH,)

    def quads(self) -> list[ox.Quad]:
        """The triple once in each of its graphs."""
        return [ox.Quad(self.subject, self.predicate, self.object, ox.NamedNode(g)) for g in self.graphs]


@dataclass
class Description:
    """Everything the server says about ``iri`` (see the module docstring)."""

    iri: str
    kind: Kind
    statements: list[Statement] = field(default_factory=list)
    incoming: list[Statement] = field(default_factory=list)
    incoming_complete: bool = True
    content: list[Statement] = field(default_factory=list)
    content_graph: str | None = None
    context: list[Statement] = field(default_factory=list)
    figures: list[ox.Triple] = field(default_factory=list)

    def cited_graphs(self) -> list[str]:
        """The graphs the statements come from, sentences and links graphs first, sorted."""
        return sorted({g for s in self.statements + self.incoming for g in s.graphs})

    def linked_iris(self) -> set[str]:
        """Every IRI the statements, incoming links and content mention, but the described IRI."""
        found = set()
        for statement in self.statements + self.incoming + self.content:
            for node in (statement.subject, statement.predicate, statement.object):
                if isinstance(node, ox.NamedNode):
                    found.add(node.value)
        found.discard(self.iri)
        return found


def describe(kg: KnowledgeGraph, iri: str, graph_sizes: dict[str, int]) -> Description:
    """The description of ``iri`` in ``kg`` without its context; ``graph_sizes`` (the manifest's) decides which graphs are listed."""
    # The known term of each pattern is added here, not bound in the query: pyoxigraph would decode it for every row.
    node = ox.NamedNode(iri)
    description = Description(iri, kind_of(iri))
    description.statements = _grouped((node, p, o, g) for p, o, g in kg.query(
        f"SELECT ?p ?o ?g WHERE {{ GRAPH ?g {{ {node} ?p ?o }} }} LIMIT {STATEMENT_LIMIT}"))
    incoming = [(s, p, node, g) for s, p, g in kg.query(
        f"SELECT ?s ?p ?g WHERE {{ GRAPH ?g {{ ?s ?p {node} }} }} LIMIT {INCOMING_LIMIT + 1}")]
    description.incoming_complete = len(incoming) <= INCOMING_LIMIT
    description.incoming = _grouped(incoming[:INCOMING_LIMIT])
    content_graph = ONTOLOGY_GRAPH if description.kind is Kind.ONTOLOGY else iri
    size = graph_sizes.get(content_graph)
    if size is not None and (size <= CONTENT_LIMIT or description.kind is Kind.ONTOLOGY):
        description.content_graph = content_graph
        graph = ox.NamedNode(content_graph)
        description.content = _grouped((s, p, o, graph) for s, p, o in kg.query(
            f"SELECT ?s ?p ?o WHERE {{ GRAPH {graph} {{ ?s ?p ?o }} }} LIMIT {ONTOLOGY_LIMIT}"))
    if size is not None and description.kind is not Kind.ONTOLOGY:
        description.figures = _graph_figures(iri, size)
    description.figures += _versions(description)
    return description


def _versions(description: Description) -> list[ox.Triple]:
    """A version IRI (the object of ``owl:versionIRI``) is a version of the ontology that names it."""
    return [ox.Triple(ox.NamedNode(description.iri), ox.NamedNode(term("dcterms:isVersionOf")), s.subject)
            for s in description.incoming if s.predicate.value == term("owl:versionIRI")]


def _graph_figures(graph: str, size: int) -> list[ox.Triple]:
    node = ox.NamedNode(graph)
    return [ox.Triple(node, ox.NamedNode(term("void:triples")), ox.Literal(str(size), datatype=ox.NamedNode(term("xsd:integer")))),
            ox.Triple(node, ox.NamedNode(term("void:dataDump")), ox.NamedNode(DOWNLOADS + FULL_DUMP))]


def context(labels: Labels, description: Description) -> list[Statement]:
    """The labels of what ``description`` mentions, and the text or description of the graphs it cites, each in
    the named graphs that state it (at most CONTEXT_LIMIT quads)."""
    linked = description.linked_iris()
    wanted = [(sorted(linked), LABEL_PROPERTIES),
              (sorted({g for g in description.cited_graphs() + list(linked) if _is_source(g)}), SOURCE_PROPERTIES)]
    # From the process's Labels, which keeps each lookup: one SPARQL query asking them all took 1 ms a page.
    rows = ((ox.NamedNode(iri), ox.NamedNode(p), obj, graph) for iris, properties in wanted for p in properties
            for iri in iris for obj, graph in labels.stated(iri, p) if isinstance(graph, ox.NamedNode))
    return _grouped(islice(rows, CONTEXT_LIMIT))


def _is_source(graph: str) -> bool:
    """A graph whose own description tells where its facts come from: a sentence or a links graph."""
    return graph.startswith(LINKS_GRAPHS) or kind_of(graph) is Kind.SENTENCE


def _grouped(rows) -> list[Statement]:
    """Statements from (subject, predicate, object, graph) rows: one per triple, with its origin graphs (see module doc)."""
    graphs: dict[tuple, set[str]] = {}
    for subject, predicate, obj, graph in rows:
        graphs.setdefault((subject, predicate, obj), set()).add(graph.value)
    statements = []
    for (subject, predicate, obj), names in graphs.items():
        origins = names - {ASSERTED_GRAPH} or names
        statements.append(Statement(subject, predicate, obj, tuple(sorted(origins, key=graph_order))))
    return statements


@lru_cache(maxsize=4096)
def graph_order(graph: str) -> tuple[int, str]:
    """Sentences first, then the curated and links graphs, the source and ontology, asserted, inferred last."""
    if kind_of(graph) is Kind.SENTENCE:
        return (0, graph)
    order = {GRAPH + "curated": 1, GRAPH + "source": 3, ONTOLOGY_GRAPH: 4, ASSERTED_GRAPH: 5, INFERRED_GRAPH: 6}
    return (order.get(graph, 2), graph)
