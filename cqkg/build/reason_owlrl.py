"""The reference for ``cqkg.build.reason``: OWL 2 RL with owlrl, keeping only what follows about cqkg's own resources.

The build does not use this module (owlrl costs about 1 ms per triple): the tests
compare the build's engine with it, and the scale benchmark times it as the old
engine. owlrl's closure also states the trivial (every node ``owl:sameAs`` itself, every
node an ``owl:Thing``, literals as subjects, datatype facts): ``inferred_triples``
drops that noise and any literal equal in value to one already stated, so the
inferred graph holds only new, meaningful facts.
"""

from __future__ import annotations

import owlrl
from rdflib import Graph, Literal, URIRef
from rdflib.namespace import OWL, RDF, RDFS

from cqkg.namespaces import BASE

#: Types owlrl infers for nearly every node or term; never informative.
TRIVIAL_TYPES = frozenset({
    OWL.Thing, RDFS.Resource, RDFS.Class, OWL.Class, RDF.Property, RDFS.Datatype,
    OWL.DatatypeProperty, OWL.ObjectProperty, OWL.AnnotationProperty, OWL.NamedIndividual,
})
#: Properties that are trivially reflexive (x sameAs x, C subClassOf C).
REFLEXIVE = frozenset({OWL.sameAs, OWL.equivalentClass, OWL.equivalentProperty,
                       RDFS.subClassOf, RDFS.subPropertyOf})


def inferred_triples(ontology: Graph, asserted: Graph) -> Graph:
    """Return the triples that OWL 2 RL entails from ``ontology`` + ``asserted`` and neither states.

    Only triples whose subject is a cqkg IRI (ontology term, entity or graph) are
    kept, with trivial ones removed (see the module docstring).
    """
    closure = Graph()
    for triple in ontology:
        closure.add(triple)
    for triple in asserted:
        closure.add(triple)
    stated = set(closure)
    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics, axiomatic_triples=False,
                           datatype_axioms=False).expand(closure)
    inferred = Graph()
    for triple in closure:
        if triple not in stated and _is_meaningful(triple, closure_stated=stated, graph=closure):
            inferred.add(triple)
    return inferred


def _is_meaningful(triple, closure_stated, graph) -> bool:
    subject, predicate, obj = triple
    if not isinstance(subject, URIRef) or not str(subject).startswith(BASE):
        return False
    if predicate in REFLEXIVE and subject == obj:
        return False
    if predicate == RDF.type and obj in TRIVIAL_TYPES:
        return False
    if isinstance(obj, Literal):
        return not _has_equal_literal(subject, predicate, obj, closure_stated, graph)
    return True


def _has_equal_literal(subject, predicate, literal: Literal, stated, graph) -> bool:
    """True if (subject, predicate) already has a stated literal equal in value to ``literal``."""
    for other in graph.objects(subject, predicate):
        if other is not literal and isinstance(other, Literal) and (subject, predicate, other) in stated:
            if other.eq(literal) or (other.language == literal.language and str(other) == str(literal)):
                return True
    return False
