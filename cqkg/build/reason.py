"""OWL 2 RL inside the build's store: the rules as SPARQL queries over the store, run to a fixpoint.

``materialise(store)`` takes an in-memory store whose default graph holds what is
stated (the ontology and the asserted data), adds to that default graph what the
OWL 2 RL rules for the axioms cqkg uses entail (subclass, subproperty, domain,
range, inverse, symmetric, transitive, functional and inverse-functional
properties, equivalent classes and properties, property chains, ``owl:sameAs``)
and returns the inferred triples, without the trivial, which it also leaves out of
the default graph. The trivial are what ``cqkg.build.reason_owlrl`` (owlrl, the
reference the tests compare with) documents and removes: triples not about a cqkg
IRI, reflexive ``owl:sameAs``/subclass/subproperty/equivalence, types that every
node or term has, literals equal in value to one stated for the same subject and
property.

Each rule is a CONSTRUCT of the triples it derives that the store lacks; the new
triples are added and the rules run again until none derives anything. They run
in strata, each to its own fixpoint: the schema (``scm-*``), the property triples
(``prp-*``, ``eq-*``), the types from domains and ranges, the types from
superclasses; with the schema closed first, the last two need one pass each, and
the whole sequence runs again only if a later stratum changed the schema. After
the first round of a fixpoint, a rule with one data premise reads it from the
triples the previous round derived only (semi-naive evaluation).
Queries rather than SPARQL updates, because pyoxigraph's in-memory store pays a
cost proportional to its size for every update (6 ms per update at 1 M triples,
measured), and the rules are many small steps. Measured against the other
candidates in docs/benchmarks.md: owlrl (about 1 ms per triple) and `reasonable`
0.4.4, a native reasoner that reads and answers rdflib terms (2.7 s and 780 MB at
100 k triples, most of it in the conversions).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from cqkg.namespaces import BASE, PREFIXES, REASONING_DELTA_GRAPH, REASONING_LITERALS_GRAPH

RDF, RDFS, OWL = PREFIXES["rdf"], PREFIXES["rdfs"], PREFIXES["owl"]


@dataclass(frozen=True)
class Rule:
    """A rule as queries: ``full`` reads the whole default graph; ``delta`` (for a rule with one data
    premise) reads that premise from the triples the previous round derived (semi-naive evaluation)."""

    full: str
    delta: str | None = None


def _rule(head: str, body: str, variables: str, data: str | None = None) -> Rule:
    """A rule: the triples of ``head`` that ``body`` entails and the store does not hold yet.

    ``variables`` are the head's: the solutions are made distinct on them before the
    store is asked whether it holds the triple (4 to 8 times faster on the type rules).
    ``data``, the rule's one data premise, stands in ``body`` as ``DATA``.
    """
    def query(where: str) -> str:
        return (f"CONSTRUCT {{ {head} }} WHERE {{ {{ SELECT DISTINCT {variables} WHERE {{ {where} }} }} "
                f"FILTER NOT EXISTS {{ {head} }} }}")
    if data is None:
        return Rule(query(body))
    return Rule(query(body.replace("DATA", data)),
                query(body.replace("DATA", f"GRAPH <{REASONING_DELTA_GRAPH}> {{ {data} }}")))


SCHEMA_RULES = [
    _rule("?a rdfs:subClassOf ?c", "?a rdfs:subClassOf ?b . ?b rdfs:subClassOf ?c", "?a ?c"),  # scm-sco
    _rule("?a rdfs:subPropertyOf ?c", "?a rdfs:subPropertyOf ?b . ?b rdfs:subPropertyOf ?c", "?a ?c"),  # scm-spo
    _rule("?c rdfs:subClassOf owl:Thing", "?c a owl:Class", "?c"),  # scm-cls (the reflexive parts are trivial)
    _rule("owl:Nothing rdfs:subClassOf ?c", "?c a owl:Class", "?c"),
    _rule("?a rdfs:subClassOf ?b",  # scm-eqc1
          "{ ?a owl:equivalentClass ?b } UNION { ?b owl:equivalentClass ?a }", "?a ?b"),
    _rule("?a owl:equivalentClass ?b",  # scm-eqc2
          "?a rdfs:subClassOf ?b . ?b rdfs:subClassOf ?a FILTER(?a != ?b)", "?a ?b"),
    _rule("?a rdfs:subPropertyOf ?b",  # scm-eqp1
          "{ ?a owl:equivalentProperty ?b } UNION { ?b owl:equivalentProperty ?a }", "?a ?b"),
    _rule("?a owl:equivalentProperty ?b",  # scm-eqp2
          "?a rdfs:subPropertyOf ?b . ?b rdfs:subPropertyOf ?a FILTER(?a != ?b)", "?a ?b"),
    _rule("?p rdfs:domain ?d", "?p rdfs:domain ?c . ?c rdfs:subClassOf ?d", "?p ?d"),  # scm-dom1
    _rule("?p rdfs:domain ?c", "?q rdfs:domain ?c . ?p rdfs:subPropertyOf ?q", "?p ?c"),  # scm-dom2
    _rule("?p rdfs:range ?d", "?p rdfs:range ?c . ?c rdfs:subClassOf ?d", "?p ?d"),  # scm-rng1
    _rule("?p rdfs:range ?c", "?q rdfs:range ?c . ?p rdfs:subPropertyOf ?q", "?p ?c"),  # scm-rng2
]
PROPERTY_RULES = [
    _rule("?x ?q ?y", "?p rdfs:subPropertyOf ?q FILTER(?p != ?q) DATA", "?x ?q ?y", "?x ?p ?y"),  # prp-spo1
    _rule("?y ?q ?x", "?p owl:inverseOf ?q . DATA FILTER(!isLiteral(?y))", "?y ?q ?x", "?x ?p ?y"),  # prp-inv1
    _rule("?y ?p ?x", "?p owl:inverseOf ?q . DATA FILTER(!isLiteral(?y))", "?y ?p ?x", "?x ?q ?y"),  # prp-inv2
    _rule("?y ?p ?x", "?p a owl:SymmetricProperty . DATA FILTER(!isLiteral(?y))", "?y ?p ?x", "?x ?p ?y"),  # symp
    _rule("?y owl:sameAs ?z", "?p a owl:FunctionalProperty . ?x ?p ?y . ?x ?p ?z "
                              "FILTER(!sameTerm(?y, ?z) && !isLiteral(?y))", "?y ?z"),  # prp-fp
    _rule("?x owl:sameAs ?y", "?p a owl:InverseFunctionalProperty . ?x ?p ?z . ?y ?p ?z "
                              "FILTER(!sameTerm(?x, ?y))", "?x ?y"),  # prp-ifp
]
#: Equality, run only while the store holds an owl:sameAs between two different nodes.
SAME_AS_RULES = [
    _rule("?y owl:sameAs ?x", "?x owl:sameAs ?y", "?y ?x"),  # eq-sym
    _rule("?x owl:sameAs ?z", "?x owl:sameAs ?y . ?y owl:sameAs ?z", "?x ?z"),  # eq-trans
    _rule("?t ?p ?o", "?s owl:sameAs ?t FILTER(!sameTerm(?s, ?t)) ?s ?p ?o", "?t ?p ?o"),  # eq-rep-s
    _rule("?s ?q ?o", "?p owl:sameAs ?q FILTER(!sameTerm(?p, ?q)) ?s ?p ?o", "?s ?q ?o"),  # eq-rep-p
    _rule("?s ?p ?t", "?o owl:sameAs ?t FILTER(!sameTerm(?o, ?t)) ?s ?p ?o", "?s ?p ?t"),  # eq-rep-o
]
DIFFERENT_SAME_AS = "ASK { ?x owl:sameAs ?y FILTER(!sameTerm(?x, ?y)) }"
# owl:Thing is left out of the derived types: every node has it (owlrl states it,
# the removal drops it) and no rule here takes it as a premise.
TYPE_RULES = [
    _rule("?x a ?c", "?p rdfs:domain ?c FILTER(?c != owl:Thing) ?x ?p ?y", "?x ?c"),  # prp-dom
    _rule("?y a ?c", "?p rdfs:range ?c FILTER(?c != owl:Thing) ?x ?p ?y FILTER(!isLiteral(?y))", "?y ?c"),  # prp-rng
]
SUBCLASS_RULES = [
    _rule("?x a ?d", "?c rdfs:subClassOf ?d FILTER(?c != ?d && ?d != owl:Thing) ?x a ?c", "?x ?d"),  # cax-sco
]
#: What, derived by a later stratum, would change the schema and call for another round.
SCHEMA_SIGNATURE = """SELECT (COUNT(*) AS ?n) WHERE {
    { ?s ?p ?o VALUES ?p { rdfs:subClassOf rdfs:subPropertyOf rdfs:domain rdfs:range owl:inverseOf
                           owl:equivalentClass owl:equivalentProperty owl:propertyChainAxiom owl:sameAs } }
    UNION { ?s a ?o VALUES ?o { owl:Class owl:TransitiveProperty owl:SymmetricProperty owl:FunctionalProperty
                                owl:InverseFunctionalProperty } } }"""

#: Types every node or term has (owlrl states them; never informative).
TRIVIAL_TYPES = frozenset(ox.NamedNode(iri) for iri in (
    OWL + "Thing", RDFS + "Resource", RDFS + "Class", OWL + "Class", RDF + "Property", RDFS + "Datatype",
    OWL + "DatatypeProperty", OWL + "ObjectProperty", OWL + "AnnotationProperty", OWL + "NamedIndividual"))
#: Properties that are trivially reflexive (x sameAs x, C subClassOf C).
REFLEXIVE = frozenset(ox.NamedNode(iri) for iri in (
    OWL + "sameAs", OWL + "equivalentClass", OWL + "equivalentProperty", RDFS + "subClassOf", RDFS + "subPropertyOf"))
RDF_TYPE = ox.NamedNode(RDF + "type")
#: Derived literals (in graph ``?derived``) equal in value to a stated one (in the default graph, not derived).
EQUAL_STATED_LITERAL = """SELECT ?s ?p ?o WHERE {
    GRAPH ?derived { ?s ?p ?o }
    ?s ?p ?stated
    FILTER(isLiteral(?stated) && !sameTerm(?stated, ?o)
           && (?stated = ?o || (LANG(?stated) = LANG(?o) && STR(?stated) = STR(?o))))
    FILTER NOT EXISTS { GRAPH ?derived { ?s ?p ?stated } }
}"""


def materialise(store: ox.Store) -> list[ox.Triple]:
    """Add the OWL 2 RL closure of ``store``'s default graph to it; return the inferred triples.

    The trivial (see the module docstring) are neither returned nor left in the store.
    """
    derived: set[ox.Triple] = set()
    while True:
        _fixpoint(store, SCHEMA_RULES, derived)
        signature = _count(store, SCHEMA_SIGNATURE)
        _fixpoint(store, PROPERTY_RULES + _compiled_property_rules(store), derived, same_as=True)
        _apply(store, [rule.full for rule in TYPE_RULES], derived)
        _apply(store, [rule.full for rule in SUBCLASS_RULES], derived)
        if _count(store, SCHEMA_SIGNATURE) == signature:
            break
    trivial = {t for t in derived if _is_trivial(t)} | _equal_to_stated(store, derived)
    for triple in trivial:
        store.remove(ox.Quad(triple.subject, triple.predicate, triple.object, ox.DefaultGraph()))
    return list(derived - trivial)


def _is_trivial(triple: ox.Triple) -> bool:
    subject, predicate, obj = triple.subject, triple.predicate, triple.object
    if not isinstance(subject, ox.NamedNode) or not subject.value.startswith(BASE):
        return True
    if predicate in REFLEXIVE and subject == obj:
        return True
    return predicate == RDF_TYPE and obj in TRIVIAL_TYPES


def _equal_to_stated(store: ox.Store, derived: set[ox.Triple]) -> set[ox.Triple]:
    """The derived triples whose literal equals in value one stated for the same subject and property."""
    literals = [t for t in derived if isinstance(t.object, ox.Literal)]
    if not literals:
        return set()
    candidates = ox.NamedNode(REASONING_LITERALS_GRAPH)
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, candidates) for t in literals)
    try:
        rows = store.query(EQUAL_STATED_LITERAL.replace("?derived", f"<{candidates.value}>"))
        return {ox.Triple(row["s"], row["p"], row["o"]) for row in rows}
    finally:
        store.remove_graph(candidates)


def _compiled_property_rules(store: ox.Store) -> list[Rule]:
    """One rule per transitive property (prp-trp) and per property chain (prp-spo2) of the schema."""
    rules = []
    for row in store.query("SELECT DISTINCT ?p WHERE { ?p a owl:TransitiveProperty FILTER(isIRI(?p)) }",
                           prefixes=PREFIXES):
        p = f"<{row['p'].value}>"
        rules.append(_rule(f"?x {p} ?z", f"?x {p} ?y . ?y {p}+ ?z", "?x ?z"))
    for row in store.query("SELECT ?p ?chain WHERE { ?p owl:propertyChainAxiom ?chain FILTER(isIRI(?p)) }",
                           prefixes=PREFIXES):
        links = _rdf_list(store, row["chain"])
        if links and all(isinstance(link, ox.NamedNode) for link in links):
            body = " . ".join(f"?x{i} <{link.value}> ?x{i + 1}" for i, link in enumerate(links))
            rules.append(_rule(f"?x0 <{row['p'].value}> ?x{len(links)}", body, f"?x0 ?x{len(links)}"))
    return rules


def _rdf_list(store: ox.Store, head) -> list:
    """The members of the RDF list starting at ``head`` in the default graph (empty if it is malformed)."""
    first, rest, nil = (ox.NamedNode(RDF + name) for name in ("first", "rest", "nil"))
    members, seen = [], set()
    while head != nil:
        values = [q.object for q in store.quads_for_pattern(head, first, None, ox.DefaultGraph())]
        nexts = [q.object for q in store.quads_for_pattern(head, rest, None, ox.DefaultGraph())]
        if head in seen or len(values) != 1 or len(nexts) != 1:
            return []
        seen.add(head)
        members.append(values[0])
        head = nexts[0]
    return members


def _fixpoint(store: ox.Store, rules: list[Rule], derived: set, same_as: bool = False) -> None:
    """Apply ``rules`` (and the equality rules while needed) until they derive nothing new.

    After the first round, a rule with one data premise reads it from the triples
    the round before derived only (the others were seen already).
    """
    delta, first = ox.NamedNode(REASONING_DELTA_GRAPH), True
    while True:
        new = _apply(store, [rule.full if first or rule.delta is None else rule.delta for rule in rules], derived)
        if same_as and store.query(DIFFERENT_SAME_AS, prefixes=PREFIXES):
            new |= _apply(store, [rule.full for rule in SAME_AS_RULES], derived)
        store.remove_graph(delta)
        if not new:
            return
        store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, delta) for t in new)
        first = False


def _apply(store: ox.Store, queries: list[str], derived: set) -> set[ox.Triple]:
    """Run each rule query once, adding what it derives to ``store`` and ``derived``; return the new triples."""
    added = set()
    for query in queries:
        new = set(store.query(query, prefixes=PREFIXES))
        store.extend(ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in new)
        added |= new
    derived |= added
    return added


def _count(store: ox.Store, query: str) -> int:
    return int(next(iter(store.query(query, prefixes=PREFIXES)))["n"].value)
