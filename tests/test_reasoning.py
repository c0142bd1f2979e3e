"""The build's OWL 2 RL engine (SPARQL rules in pyoxigraph) against owlrl, the reference, and each axiom at work."""

from __future__ import annotations

import pyoxigraph as ox
import pytest
from rdflib import URIRef

from bench.scale.generate import generate
from cqkg.build.load import load_inputs, parse_text, to_graph, to_rdflib
from cqkg.build.provenance import entity_provenance
from cqkg.build.reason import materialise
from cqkg.build.reason_owlrl import inferred_triples
from cqkg.namespaces import ID, PREFIXES

HEADER = "".join(f"@prefix {name}: <{iri}> .\n" for name, iri in PREFIXES.items())
EX = ID + "org/"


def _new_engine(ontology, asserted) -> set:
    """The build's engine on ontology + asserted (pyoxigraph quads): its inferred triples as rdflib triples."""
    store = ox.Store()
    store.bulk_extend(ox.Quad(q.subject, q.predicate, q.object, ox.DefaultGraph()) for q in [*ontology, *asserted])
    stated = len(store)
    inferred = materialise(store)
    assert len(store) == stated + len(inferred), "the default graph holds the stated and the inferred, nothing else"
    return {(to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in inferred}


def _reference(ontology, asserted) -> set:
    return set(inferred_triples(to_graph(ontology), to_graph(asserted)))


def _inputs(root):
    inputs = load_inputs(root)
    return inputs.ontology, inputs.data + list(entity_provenance(inputs.data))


def test_shipped_data_infers_what_owlrl_infers(root):
    ontology, asserted = _inputs(root)
    new = _new_engine(ontology, asserted)
    assert len(new) > 1000
    assert new == _reference(ontology, asserted)


def test_synthetic_10k_graph_infers_what_owlrl_infers(tmp_path):
    generated = generate(tmp_path, 10_000)
    assert 9_000 < generated.quads < 11_000
    ontology, asserted = _inputs(tmp_path)
    new = _new_engine(ontology, asserted)
    assert new == _reference(ontology, asserted)


def _tiny(axioms: str, data: str) -> tuple[set, set]:
    """Both engines on a tiny ontology and data (Turtle with every cqkg prefix and ``ex:`` for entities)."""
    prefixes = HEADER + f"@prefix ex: <{EX}> .\n"
    ontology = parse_text(prefixes + axioms, ox.RdfFormat.TURTLE)
    asserted = parse_text(prefixes + data, ox.RdfFormat.TURTLE)
    return _new_engine(ontology, asserted), _reference(ontology, asserted)


def _t(subject: str, predicate: str, obj: str) -> tuple:
    def iri(name):
        prefix, _, local = name.partition(":")
        return URIRef((EX if prefix == "ex" else PREFIXES[prefix]) + local)
    return iri(subject), iri(predicate), iri(obj)


AXIOMS = {
    "subClassOf": ("cq:A rdfs:subClassOf cq:B . cq:B rdfs:subClassOf cq:C .", "ex:x a cq:A .",
                   [("ex:x", "rdf:type", "cq:B"), ("ex:x", "rdf:type", "cq:C"), ("cq:A", "rdfs:subClassOf", "cq:C")]),
    "subPropertyOf": ("cq:p rdfs:subPropertyOf cq:q .", "ex:x cq:p ex:y .", [("ex:x", "cq:q", "ex:y")]),
    "domain": ("cq:p rdfs:domain cq:A .", "ex:x cq:p ex:y .", [("ex:x", "rdf:type", "cq:A")]),
    "range": ("cq:p rdfs:range cq:A .", "ex:x cq:p ex:y .", [("ex:y", "rdf:type", "cq:A")]),
    "inverseOf": ("cq:p owl:inverseOf cq:q .", "ex:x cq:p ex:y . ex:z cq:q ex:w .",
                  [("ex:y", "cq:q", "ex:x"), ("ex:w", "cq:p", "ex:z")]),
    "SymmetricProperty": ("cq:p a owl:SymmetricProperty .", "ex:x cq:p ex:y .", [("ex:y", "cq:p", "ex:x")]),
    "TransitiveProperty": ("cq:p a owl:TransitiveProperty .", "ex:x cq:p ex:y . ex:y cq:p ex:z . ex:z cq:p ex:w .",
                           [("ex:x", "cq:p", "ex:z"), ("ex:x", "cq:p", "ex:w"), ("ex:y", "cq:p", "ex:w")]),
    "equivalentClass": ("cq:A owl:equivalentClass cq:B .", "ex:x a cq:A . ex:y a cq:B .",
                        [("ex:x", "rdf:type", "cq:B"), ("ex:y", "rdf:type", "cq:A")]),
    "equivalentProperty": ("cq:p owl:equivalentProperty cq:q .", "ex:x cq:p ex:y . ex:z cq:q ex:w .",
                           [("ex:x", "cq:q", "ex:y"), ("ex:z", "cq:p", "ex:w")]),
    "propertyChainAxiom": ("cq:grandparent owl:propertyChainAxiom ( cq:parent cq:parent ) .",
                           "ex:x cq:parent ex:y . ex:y cq:parent ex:z .", [("ex:x", "cq:grandparent", "ex:z")]),
    "FunctionalProperty": ("cq:p a owl:FunctionalProperty .", "ex:x cq:p ex:y , ex:z . ex:y cq:q ex:w .",
                           [("ex:y", "owl:sameAs", "ex:z"), ("ex:z", "owl:sameAs", "ex:y"), ("ex:z", "cq:q", "ex:w")]),
    "InverseFunctionalProperty": ("cq:p a owl:InverseFunctionalProperty .",
                                  "ex:x cq:p ex:y ; cq:q ex:w . ex:z cq:p ex:y .",
                                  [("ex:x", "owl:sameAs", "ex:z"), ("ex:z", "cq:q", "ex:w")]),
}


@pytest.mark.parametrize("axiom", sorted(AXIOMS))
def test_each_axiom_kind_at_work(axiom):
    axioms, data, expected = AXIOMS[axiom]
    new, reference = _tiny(axioms, data)
    assert {_t(*triple) for triple in expected} <= new
    assert new == reference


def test_rules_chain_across_axiom_kinds():
    # settled in ⇒ located in (subproperty), located in is transitive, its range types the places,
    # and the types climb the class hierarchy: every rule feeds the next.
    new, reference = _tiny(
        "cq:settledIn rdfs:subPropertyOf cq:locatedIn . cq:locatedIn a owl:TransitiveProperty ; rdfs:range cq:Place . "
        "cq:District rdfs:subClassOf cq:Place . cq:Place rdfs:subClassOf cq:Feature .",
        "ex:lab cq:settledIn ex:district . ex:district a cq:District ; cq:locatedIn ex:city .")
    assert {_t("ex:lab", "cq:locatedIn", "ex:city"), _t("ex:city", "rdf:type", "cq:Feature"),
            _t("ex:district", "rdf:type", "cq:Feature")} <= new
    assert new == reference


def test_nothing_trivial_or_already_stated_is_inferred():
    new, reference = _tiny("cq:A rdfs:subClassOf cq:B . cq:p rdfs:subPropertyOf rdfs:label .",
                           'ex:x a cq:A , cq:B ; cq:p "1.0"^^xsd:decimal ; rdfs:label "1.00"^^xsd:decimal .')
    assert new == reference == set()

