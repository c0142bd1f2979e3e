"""The working dataset: one in-memory store shared by validation and reasoning.

``working_store`` loads the parsed inputs (``cqkg.build.parse_cache``) into an
in-memory pyoxigraph store without Python objects per triple: ``graph/ontology``,
``graph/asserted`` (the data's triples and the derived entity provenance) and, as
the data graph of validation and reasoning, their union in the default graph.
Reasoning adds ``graph/inferred`` (``add_inferred``); ``cqkg.build.outputs`` then
writes it out with the data's own graphs.
"""

from __future__ import annotations


import pyoxigraph as ox

from cqkg.build.parse_cache import Parsed
from cqkg.build.provenance import PROV_DERIVED
from cqkg.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH

NT = ox.RdfFormat.N_TRIPLES


def working_store(parsed: list[Parsed]) -> ox.Store:
    """The store of the stated: graph/ontology, graph/asserted and their union in the default graph."""
    store = ox.Store()
    ontology = next(p for p in parsed if p.kind == "ontology").triples_path.read_bytes()
    asserted = b"".join(p.triples_path.read_bytes() for p in parsed if p.kind == "data")
    asserted += ox.serialize(provenance(parsed), format=NT)
    for graph, triples in ((ONTOLOGY_GRAPH, ontology), (ASSERTED_GRAPH, asserted)):
        store.bulk_load(input=triples, format=NT, to_graph=ox.NamedNode(graph))
        store.bulk_load(input=triples, format=NT, to_graph=ox.DefaultGraph())
    return store


def provenance(parsed: list[Parsed]) -> list[ox.Triple]:
    """``entity prov:wasDerivedFrom sentence`` for every entity a sentence graph describes, sorted."""
    pairs = sorted({tuple(pair) for p in parsed for pair in p.facts.get("provenance", ())})
    return [ox.Triple(ox.NamedNode(entity), PROV_DERIVED, ox.NamedNode(sentence)) for entity, sentence in pairs]


def defined_in(parsed: list[Parsed]) -> dict[str, set[str]]:
    """The data files (relative paths) that describe each subject IRI."""
    files: dict[str, set[str]] = {}
    for p in parsed:
        for subject in p.facts.get("subjects", ()):
            files.setdefault(subject, set()).add(p.rel)
    return files


def add_inferred(store: ox.Store, inferred: list[ox.Triple]) -> None:
    """Put the inferred triples in graph/inferred (the default graph already holds them)."""
    name = ox.NamedNode(INFERRED_GRAPH)
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in inferred)
