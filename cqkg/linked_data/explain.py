"""Why an inferred fact holds: the OWL 2 RL rule, the ontology's axioms and the data it follows from.

SPARQL queries, one per rule, find for each triple of ``graph/inferred`` about an IRI
the premises (data triples) and axioms (ontology triples) of a rule that derives it;
the commonest rules are matched in Python instead, to the same rows (``premises``).
Only the rules whose kind of axiom the ontology states are asked (``Explainer.rules``):
subclass, domain, range, subproperty, inverse, symmetric and transitive properties, and
for ontology terms the closure of the hierarchy. Each part is marked stated or
inferred; the best explanations rest on stated triples, and an inferred subclass or
subproperty axiom is shown as the chain of stated axioms it closes
(``Vocabulary.chain``).
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from cqkg.linked_data.premises import INFERRED, Premises
from cqkg.linked_data.vocabulary import Vocabulary
from cqkg.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, RDF_TYPE, term
from cqkg.store import KnowledgeGraph

HIERARCHY_AXIOMS = (term("rdfs:subClassOf"), term("rdfs:subPropertyOf"))
SCHEMA_PREDICATES = HIERARCHY_AXIOMS + (term("rdfs:domain"), term("rdfs:range"))
EXPLANATIONS_PER_FACT = 2
ROW_LIMIT = 2000


@dataclass(frozen=True)
class Rule:
    """An OWL 2 RL rule: its name, what it says, the axiom kind it needs, what it infers, its SPARQL branch.

    ``infers`` is "type" (rdf:type of an instance), "property" (another data
    property) or "schema" (an axiom about an ontology term). ``matcher`` names the
    function of ``premises.MATCHERS`` that finds the branch's rows in Python ("": SPARQL only).
    """

    name: str
    says: str
    needs: str
    infers: str
    branch: str
    matcher: str = ""


#: Each branch binds the inferred triple's ?p ?o (subject $S), premises ?s1 ?p1 ?o1 [?s2 ?p2 ?o2]
#: and axioms ?as1 ?ap1 ?ao1 [?as2 ?ap2 ?ao2]. Rules are asked in this order while a fact lacks an
#: explanation on stated premises: cax-sco first from the stated types only (few rows), last from any type.
RULES = (
    Rule("cax-sco", "an instance of a class is an instance of its superclasses", "rdfs:subClassOf", "type", """
        BIND(rdf:type AS ?p) GRAPH <ASSERTED> { $S a ?c } ?c rdfs:subClassOf ?o FILTER(?c != ?o)
        BIND($S AS ?s1) BIND(rdf:type AS ?p1) BIND(?c AS ?o1) BIND(?c AS ?as1) BIND(rdfs:subClassOf AS ?ap1) BIND(?o AS ?ao1)""", "stated types"),
    Rule("prp-dom", "what a property's subject is follows from its domain", "rdfs:domain", "type", """
        BIND(rdf:type AS ?p) { SELECT ?q ?o (SAMPLE(?y) AS ?x) WHERE { $S ?q ?y . ?q rdfs:domain ?o } GROUP BY ?q ?o }
        BIND($S AS ?s1) BIND(?q AS ?p1) BIND(?x AS ?o1) BIND(?q AS ?as1) BIND(rdfs:domain AS ?ap1) BIND(?o AS ?ao1)"""),
    Rule("prp-rng", "what a property's object is follows from its range", "rdfs:range", "type", """
        BIND(rdf:type AS ?p) { SELECT ?q ?o (SAMPLE(?y) AS ?x) WHERE { ?y ?q $S . ?q rdfs:range ?o } GROUP BY ?q ?o }
        BIND(?x AS ?s1) BIND(?q AS ?p1) BIND($S AS ?o1) BIND(?q AS ?as1) BIND(rdfs:range AS ?ap1) BIND(?o AS ?ao1)"""),
    Rule("cax-sco", "an instance of a class is an instance of its superclasses", "rdfs:subClassOf", "type", """
        BIND(rdf:type AS ?p) $S a ?c . ?c rdfs:subClassOf ?o FILTER(?c != ?o)
        BIND($S AS ?s1) BIND(rdf:type AS ?p1) BIND(?c AS ?o1) BIND(?c AS ?as1) BIND(rdfs:subClassOf AS ?ap1) BIND(?o AS ?ao1)""", "types"),
    Rule("prp-spo1", "a statement with a subproperty holds with its superproperties", "rdfs:subPropertyOf", "property", """
        ?q rdfs:subPropertyOf ?p . $S ?q ?o FILTER(?q != ?p)
        BIND($S AS ?s1) BIND(?q AS ?p1) BIND(?o AS ?o1) BIND(?q AS ?as1) BIND(rdfs:subPropertyOf AS ?ap1) BIND(?p AS ?ao1)""", "subproperty"),
    Rule("prp-inv", "a statement holds in reverse with the inverse property", "owl:inverseOf", "property", """
        { ?p owl:inverseOf ?q BIND(?p AS ?as1) BIND(?q AS ?ao1) } UNION { ?q owl:inverseOf ?p BIND(?q AS ?as1) BIND(?p AS ?ao1) }
        ?o ?q $S BIND(?o AS ?s1) BIND(?q AS ?p1) BIND($S AS ?o1) BIND(owl:inverseOf AS ?ap1)""", "inverse"),
    Rule("prp-symp", "a symmetric property holds both ways", "owl:SymmetricProperty", "property", """
        ?p a owl:SymmetricProperty . ?o ?p $S
        BIND(?o AS ?s1) BIND(?p AS ?p1) BIND($S AS ?o1) BIND(?p AS ?as1) BIND(rdf:type AS ?ap1) BIND(owl:SymmetricProperty AS ?ao1)""", "symmetric"),
    Rule("prp-trp", "a transitive property chains", "owl:TransitiveProperty", "property", """
        ?p a owl:TransitiveProperty . $S ?p ?m . ?m ?p ?o FILTER(?m != $S && ?m != ?o)
        BIND($S AS ?s1) BIND(?p AS ?p1) BIND(?m AS ?o1) BIND(?m AS ?s2) BIND(?p AS ?p2) BIND(?o AS ?o2)
        BIND(?p AS ?as1) BIND(rdf:type AS ?ap1) BIND(owl:TransitiveProperty AS ?ao1)""", "transitive"),
    Rule("scm-cls", "every class is a subclass of owl:Thing", "owl:Class", "schema", """
        BIND(rdfs:subClassOf AS ?p) BIND(owl:Thing AS ?o) $S a owl:Class
        BIND($S AS ?as1) BIND(rdf:type AS ?ap1) BIND(owl:Class AS ?ao1)"""),
    Rule("scm-sco/spo", "subclass and subproperty axioms chain", "rdfs:subClassOf", "schema", """
        VALUES ?p { rdfs:subClassOf rdfs:subPropertyOf } $S ?p ?m . ?m ?p ?o FILTER(?m != $S && ?m != ?o && ?o != owl:Thing)
        BIND($S AS ?as1) BIND(?p AS ?ap1) BIND(?m AS ?ao1) BIND(?m AS ?as2) BIND(?p AS ?ap2) BIND(?o AS ?ao2)"""),
    Rule("scm-dom1/rng1", "a property's domain and range widen to their superclasses", "rdfs:domain", "schema", """
        VALUES ?p { rdfs:domain rdfs:range } $S ?p ?c . ?c rdfs:subClassOf ?o FILTER(?c != ?o)
        BIND($S AS ?as1) BIND(?p AS ?ap1) BIND(?c AS ?ao1) BIND(?c AS ?as2) BIND(rdfs:subClassOf AS ?ap2) BIND(?o AS ?ao2)"""),
    Rule("scm-dom2/rng2", "a subproperty inherits its superproperty's domain and range", "rdfs:subPropertyOf", "schema", """
        VALUES ?p { rdfs:domain rdfs:range } $S rdfs:subPropertyOf ?q . ?q ?p ?o FILTER(?q != $S)
        BIND($S AS ?as1) BIND(rdfs:subPropertyOf AS ?ap1) BIND(?q AS ?ao1) BIND(?q AS ?as2) BIND(?p AS ?ap2) BIND(?o AS ?ao2)"""),
)
PARTS = (("s1", "p1", "o1", "premise"), ("s2", "p2", "o2", "premise"),
         ("as1", "ap1", "ao1", "axiom"), ("as2", "ap2", "ao2", "axiom"))


@dataclass(frozen=True)
class Part:
    """One triple an explanation rests on: a premise (data) or an axiom (ontology), stated or inferred."""

    role: str
    subject: ox.NamedNode | ox.BlankNode
    predicate: ox.NamedNode
    object: ox.NamedNode | ox.BlankNode | ox.Literal
    inferred: bool


@dataclass(frozen=True)
class Explanation:
    """Why one inferred triple holds: the rule and the triples it follows from."""

    rule: Rule
    parts: tuple[Part, ...]

    @property
    def premises(self) -> list[Part]:
        """The data triples the fact follows from."""
        return [part for part in self.parts if part.role == "premise"]

    @property
    def axioms(self) -> list[Part]:
        """The ontology triples the fact follows from."""
        return [part for part in self.parts if part.role == "axiom"]


class Explainer:
    """Explanations of inferred facts, with the rules of the axiom kinds the ontology uses."""

    def __init__(self, kg: KnowledgeGraph, vocabulary: Vocabulary):
        self.kg, self.vocabulary = kg, vocabulary
        used = {row["kind"] for row in kg.select(_USED_KINDS)}
        self.premises = Premises(kg)
        self.rules = [rule for rule in RULES if term(rule.needs) in used]
        # Whether an axiom is inferred is known once for all (the ontology's closure); a premise's is asked.
        self.inferred_axioms = {(row["s"].value, row["p"].value, row["o"].value) for row in kg.query(_INFERRED_AXIOMS)}
        flags = " ".join(f"BIND(EXISTS {{ GRAPH <{INFERRED_GRAPH}> {{ ?{s} ?{p} ?{o} }} }} AS ?i_{s})"
                         for s, p, o, role in PARTS if role == "premise")
        self.queries = {rule: f"SELECT * WHERE {{ GRAPH <{INFERRED_GRAPH}> {{ $S ?p ?o }} {{ {rule.branch} }} {flags} }} "
                                   f"LIMIT {ROW_LIMIT}".replace("<ASSERTED>", f"<{ASSERTED_GRAPH}>") for rule in self.rules}

    def explain(self, iri: str, inferred: list[tuple[ox.NamedNode, object]]) -> dict[tuple[str, str], list[Explanation]]:
        """Explanations of the inferred (predicate, object) pairs of ``iri``, keyed by (predicate IRI, str(object)).

        One query per rule (or its match in Python), in order, while some fact has no explanation resting on
        stated triples only (one query per rule is several times faster than their union in one query).
        """
        subject = ox.NamedNode(iri)
        # Every rule's query joins graph/inferred: a fact that is not in it has no explanation.
        facts = {(p.value, str(o)): (p, o) for p, o in inferred if self.premises.holds(subject, p, o, INFERRED)}
        pending = {key: _category(key[0]) for key in facts}
        found: dict[tuple[str, str], list[Explanation]] = {}
        for rule in self.rules:
            if rule.infers not in pending.values():
                continue
            for row in self._rows(rule, subject, {key: facts[key] for key in pending}):
                key = (row["p"].value, str(row["o"]))
                if key in pending:
                    found.setdefault(key, []).append(self._explanation(rule, row))
            pending = {key: kind for key, kind in pending.items()
                       if key not in found or min(map(_inferred_parts, found[key])) > 0}
            if not pending:
                break
        return {key: _best(candidates) for key, candidates in found.items()}

    def _rows(self, rule: Rule, subject: ox.NamedNode, pending: dict):
        """The rows of ``rule``'s branch for ``subject``: matched in Python if it can be, else its SPARQL query's."""
        rows = self.premises.rows(rule.matcher, subject, pending) if rule.matcher else None
        return self.kg.query(self.queries[rule].replace("$S", str(subject))) if rows is None else rows

    def _explanation(self, rule: Rule, row) -> Explanation:
        parts = []
        for s, p, o, role in PARTS:
            if row[s] is None:
                continue
            inferred = (row[f"i_{s}"].value == "true" if role == "premise"
                        else (row[s].value, row[p].value, row[o].value) in self.inferred_axioms)
            part = Part(role, row[s], row[p], row[o], inferred)
            parts += self._as_chain(part) if role == "axiom" else [part]
        return Explanation(rule, tuple(parts))

    def _as_chain(self, part: Part) -> list[Part]:
        """An inferred subclass or subproperty axiom as the chain of stated direct axioms it closes."""
        if not part.inferred or part.predicate.value not in HIERARCHY_AXIOMS:
            return [part]
        chain = self.vocabulary.chain(part.subject.value, part.object.value)
        if len(chain) < 2:
            return [part]
        return [Part("axiom", ox.NamedNode(a), part.predicate, ox.NamedNode(b), False) for a, b in zip(chain, chain[1:])]


def _category(predicate: str) -> str:
    """Which rules can infer a triple with ``predicate``: "type", "schema" or "property" (see Rule)."""
    if predicate == RDF_TYPE:
        return "type"
    return "schema" if predicate in SCHEMA_PREDICATES else "property"


def _best(candidates: list[Explanation]) -> list[Explanation]:
    """The explanations resting on the fewest inferred triples (then the fewest parts), distinct, at most a few."""
    ranked = sorted(set(candidates), key=lambda e: (_inferred_parts(e), len(e.parts), RULES.index(e.rule),
                                                     [str(p.object) for p in e.parts]))
    fewest = _inferred_parts(ranked[0])
    return [e for e in ranked if _inferred_parts(e) == fewest][:EXPLANATIONS_PER_FACT]


def _inferred_parts(explanation: Explanation) -> int:
    return sum(part.inferred for part in explanation.parts)


_INFERRED_AXIOMS = f"""
SELECT ?s ?p ?o WHERE {{
    GRAPH <{INFERRED_GRAPH}> {{ ?s ?p ?o }}
    VALUES ?p {{ rdf:type rdfs:subClassOf rdfs:subPropertyOf rdfs:domain rdfs:range owl:inverseOf }}
    FILTER(?p != rdf:type || ?o IN (owl:Class, owl:SymmetricProperty, owl:TransitiveProperty))
}} LIMIT 100000
"""

_USED_KINDS = f"""
SELECT DISTINCT ?kind WHERE {{
    GRAPH <{ONTOLOGY_GRAPH}> {{
        {{ ?s ?kind ?o VALUES ?kind {{ rdfs:subClassOf rdfs:subPropertyOf rdfs:domain rdfs:range owl:inverseOf }} }}
        UNION {{ ?s a ?kind VALUES ?kind {{ owl:SymmetricProperty owl:TransitiveProperty owl:Class }} }}
    }}
}} LIMIT 100
"""
