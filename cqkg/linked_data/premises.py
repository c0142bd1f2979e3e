"""The rows of the commonest rules of ``explain``, found in Python: the premises and axioms of a fact.

``explain`` asks one SPARQL query per rule, and each costs 0.15 to 0.5 ms of CPU however
few rows it finds (pyoxigraph 0.5, shipped data): an entity page asked two to four, from a
fifth to a third of its CPU (2.1 of 6.3 ms for /id/org/chongqing-university). The rules whose
branch is, once the axioms are in memory, a few index lookups of the subject's triples are
matched here instead (that explanation now takes 0.5 ms, matching included): subclass
(from the stated types, then from any type), subproperty, inverse, symmetric and
transitive properties. Each matcher returns the rows its rule's SPARQL branch binds
(``?p ?o``, premises ``?s1 ?p1 ?o1`` [``?s2 ?p2 ?o2``], axioms ``?as1 ?ap1 ?ao1``, flags
``?i_s1`` [``?i_s2``]: whether a premise is in ``graph/inferred``), for the facts asked
about only; a test checks that every fact of the build gets the same explanations either way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Callable, Iterator

import pyoxigraph as ox

from cqkg.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH, RDF_TYPE, term
from cqkg.store import KnowledgeGraph

TYPE, SUBCLASS, SUBPROPERTY, INVERSE = (ox.NamedNode(RDF_TYPE), ox.NamedNode(term("rdfs:subClassOf")),
                                        ox.NamedNode(term("rdfs:subPropertyOf")), ox.NamedNode(term("owl:inverseOf")))
SYMMETRIC, TRANSITIVE = ox.NamedNode(term("owl:SymmetricProperty")), ox.NamedNode(term("owl:TransitiveProperty"))
ASSERTED, INFERRED, DEFAULT = ox.NamedNode(ASSERTED_GRAPH), ox.NamedNode(INFERRED_GRAPH), ox.DefaultGraph()
#: Every variable a row binds (unbound ones are None, as in a SPARQL solution).
VARIABLES = ("p", "o", "s1", "p1", "o1", "s2", "p2", "o2", "as1", "ap1", "ao1", "as2", "ap2", "ao2", "i_s1", "i_s2")
AXIOM_LIMIT = 100000
#: The facts to explain, each as (predicate, object) terms under its key (predicate IRI, str(object)).
Pending = dict[tuple[str, str], tuple[ox.NamedNode, object]]
Row = dict[str, object]

_AXIOMS = f"""
SELECT ?s ?p ?o WHERE {{
    {{ ?s ?p ?o VALUES ?p {{ rdfs:subClassOf rdfs:subPropertyOf owl:inverseOf }} }}
    UNION {{ ?s a ?o VALUES ?o {{ owl:SymmetricProperty owl:TransitiveProperty }} BIND(rdf:type AS ?p) }}
}} LIMIT {AXIOM_LIMIT}
"""


@dataclass
class Axioms:
    """The subclass, subproperty and inverse axioms and the symmetric and transitive properties of the default graph.

    ``up[(p, s)]`` lists the objects of ``s p ?o``, ``down[(p, o)]`` the subjects of ``?s p o``.
    Not ``complete`` when there were more than AXIOM_LIMIT: then nothing is matched here.
    """

    up: dict[tuple, list] = field(default_factory=dict)
    down: dict[tuple, list] = field(default_factory=dict)
    complete: bool = True

    @classmethod
    def load(cls, kg: KnowledgeGraph) -> "Axioms":
        """Read the axioms of ``kg`` (one query)."""
        axioms, rows = cls(), list(kg.query(_AXIOMS))
        axioms.complete = len(rows) < AXIOM_LIMIT
        for row in rows:
            axioms.up.setdefault((row["p"], row["s"]), []).append(row["o"])
            axioms.down.setdefault((row["p"], row["o"]), []).append(row["s"])
        return axioms

    def is_a(self, node, kind: ox.NamedNode) -> bool:
        """True if ``node`` is of type ``kind`` (owl:SymmetricProperty or owl:TransitiveProperty)."""
        return kind in self.up.get((TYPE, node), ())


class Premises:
    """Finds the rows of the matched rules for one subject's pending facts (see the module docstring)."""

    def __init__(self, kg: KnowledgeGraph):
        self.store = kg.store
        self.axioms = Axioms.load(kg)

    def rows(self, matcher: str, subject: ox.NamedNode, pending: Pending) -> list[Row] | None:
        """The rows of the rule matched by ``matcher`` for ``pending``, facts of graph/inferred (as the rules' queries
        join it); None when the rule is to be asked with SPARQL."""
        if not self.axioms.complete:
            return None
        return list(MATCHERS[matcher](self, subject, pending))

    def holds(self, s, p, o, graph=DEFAULT) -> bool:
        """True if the triple is in ``graph`` (the default graph unless given); a literal subject never is."""
        return not isinstance(s, ox.Literal) and ox.Quad(s, p, o, graph) in self.store

    def row(self, p, o, premises: list[tuple], axioms: list[tuple]) -> Row:
        """A row binding ``?p ?o``, the premises (each flagged: inferred or not) and the axioms, in order."""
        row: Row = dict.fromkeys(VARIABLES)
        row["p"], row["o"] = p, o
        for number, (s1, p1, o1) in enumerate(premises, start=1):
            row[f"s{number}"], row[f"p{number}"], row[f"o{number}"] = s1, p1, o1
            row[f"i_s{number}"] = ox.Literal(self.holds(s1, p1, o1, INFERRED))
        for number, (s1, p1, o1) in enumerate(axioms, start=1):
            row[f"as{number}"], row[f"ap{number}"], row[f"ao{number}"] = s1, p1, o1
        return row


def _types(premises: Premises, subject, pending: Pending, graph) -> Iterator[Row]:
    """cax-sco: ``$S a ?c . ?c rdfs:subClassOf ?o FILTER(?c != ?o)``, the types ``?c`` from ``graph``."""
    for quad in premises.store.quads_for_pattern(subject, TYPE, None, graph):
        for superclass in premises.axioms.up.get((SUBCLASS, quad.object), ()):
            if superclass != quad.object and (RDF_TYPE, str(superclass)) in pending:
                yield premises.row(TYPE, superclass, [(subject, TYPE, quad.object)], [(quad.object, SUBCLASS, superclass)])


def _subproperty(premises: Premises, subject, pending: Pending) -> Iterator[Row]:
    """prp-spo1: ``?q rdfs:subPropertyOf ?p . $S ?q ?o FILTER(?q != ?p)``."""
    for p, o in pending.values():
        for q in premises.axioms.down.get((SUBPROPERTY, p), ()):
            if q != p and premises.holds(subject, q, o):
                yield premises.row(p, o, [(subject, q, o)], [(q, SUBPROPERTY, p)])


def _inverse(premises: Premises, subject, pending: Pending) -> Iterator[Row]:
    """prp-inv: ``{ ?p owl:inverseOf ?q } UNION { ?q owl:inverseOf ?p } ?o ?q $S``."""
    for p, o in pending.values():
        for q in premises.axioms.up.get((INVERSE, p), ()):
            if premises.holds(o, q, subject):
                yield premises.row(p, o, [(o, q, subject)], [(p, INVERSE, q)])
        for q in premises.axioms.down.get((INVERSE, p), ()):
            if premises.holds(o, q, subject):
                yield premises.row(p, o, [(o, q, subject)], [(q, INVERSE, p)])


def _symmetric(premises: Premises, subject, pending: Pending) -> Iterator[Row]:
    """prp-symp: ``?p a owl:SymmetricProperty . ?o ?p $S``."""
    for p, o in pending.values():
        if premises.axioms.is_a(p, SYMMETRIC) and premises.holds(o, p, subject):
            yield premises.row(p, o, [(o, p, subject)], [(p, TYPE, SYMMETRIC)])


def _transitive(premises: Premises, subject, pending: Pending) -> Iterator[Row]:
    """prp-trp: ``?p a owl:TransitiveProperty . $S ?p ?m . ?m ?p ?o FILTER(?m != $S && ?m != ?o)``."""
    for p, o in pending.values():
        if not premises.axioms.is_a(p, TRANSITIVE):
            continue
        for quad in premises.store.quads_for_pattern(subject, p, None, DEFAULT):
            middle = quad.object
            if middle != subject and middle != o and premises.holds(middle, p, o):
                yield premises.row(p, o, [(subject, p, middle), (middle, p, o)], [(p, TYPE, TRANSITIVE)])


#: The matchers a Rule names (``Rule.matcher``).
MATCHERS: dict[str, Callable[[Premises, ox.NamedNode, Pending], Iterator[Row]]] = {
    "stated types": lambda premises, subject, pending: _types(premises, subject, pending, ASSERTED),
    "types": lambda premises, subject, pending: _types(premises, subject, pending, DEFAULT),
    "subproperty": _subproperty,
    "inverse": _inverse,
    "symmetric": _symmetric,
    "transitive": _transitive,
}
