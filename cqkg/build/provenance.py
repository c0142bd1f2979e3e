"""Sentence-level provenance: which sentence states which fact.

Each content sentence of a source has an IRI that also names the graph of the
facts it states (see docs/provenance.md). From that, ``entity_provenance`` derives
``<entity> prov:wasDerivedFrom <sentence>`` for every entity a sentence describes,
so a plain (non-quad) query can also go from an entity to its sentences.
"""

from __future__ import annotations

import pyoxigraph as ox

from cqkg.errors import CqkgError
from cqkg import namespaces
from cqkg.namespaces import CQ, CURATED_GRAPH, GRAPH, PROV_WAS_DERIVED_FROM, is_entity, is_sentence_graph

PROV_DERIVED = ox.NamedNode(PROV_WAS_DERIVED_FROM)
RDF_TYPE = ox.NamedNode(namespaces.RDF_TYPE)
SENTENCE = ox.NamedNode(str(CQ.Sentence))


def entity_provenance(data: list[ox.Quad]) -> list[ox.Triple]:
    """Return ``entity prov:wasDerivedFrom sentence`` for each entity described in a sentence graph."""
    pairs = set()
    for quad in data:
        graph = quad.graph_name
        if isinstance(graph, ox.NamedNode) and is_sentence_graph(graph.value):
            if isinstance(quad.subject, ox.NamedNode) and is_entity(quad.subject.value):
                pairs.add((quad.subject.value, graph.value))
    return [ox.Triple(ox.NamedNode(s), PROV_DERIVED, ox.NamedNode(g)) for s, g in sorted(pairs)]


def check_graph_names(data: list[ox.Quad]) -> None:
    """Check every data graph is a declared sentence, the curated graph or a cqkg graph.

    Raises CqkgError naming the first graph that is neither, or a sentence graph
    whose sentence is not described as a cq:Sentence.
    """
    sentences = {q.subject.value for q in data if q.predicate == RDF_TYPE and q.object == SENTENCE}
    check_names({q.graph_name.value for q in data}, sentences)


def check_names(graphs: set[str], sentences: set[str]) -> None:
    """``check_graph_names`` on the data's graph names and the IRIs of the sentences it declares."""
    for name in sorted(graphs):
        if is_sentence_graph(name):
            if name not in sentences:
                raise CqkgError(f"graph <{name}> is named after a sentence that data/source.trig does not describe")
        elif not (name.startswith(GRAPH) or name == CURATED_GRAPH):
            raise CqkgError(f"graph <{name}> is neither a sentence of a source nor a cqkg graph ({GRAPH}…)")
