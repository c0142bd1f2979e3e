"""The rules matched in Python (linked_data/premises) find the rows their SPARQL branches find."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from cqkg.linked_data.explain import RULES, Explainer
from cqkg.linked_data.premises import MATCHERS, Axioms, Premises
from cqkg.linked_data.vocabulary import Vocabulary
from cqkg.namespaces import ASSERTED_GRAPH, ID, INFERRED_GRAPH, ONTOLOGY_GRAPH, RDF_TYPE, term
from cqkg.store import KnowledgeGraph

PARTS = (("s1", "p1", "o1"), ("s2", "p2", "o2"), ("as1", "ap1", "ao1"), ("as2", "ap2", "ao2"))


def inferred_facts(kg: KnowledgeGraph) -> dict[ox.NamedNode, list[tuple]]:
    """The facts of graph/inferred by subject (IRIs only, as pages ask)."""
    by_subject: dict = {}
    for quad in kg.store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED_GRAPH)):
        if isinstance(quad.subject, ox.NamedNode):
            by_subject.setdefault(quad.subject, []).append((quad.predicate, quad.object))
    return by_subject


@pytest.fixture(scope="module")
def inferred(kg) -> dict[ox.NamedNode, list[tuple]]:
    return inferred_facts(kg)


def shown(row) -> tuple:
    """A row as what an explanation takes from it: ?p ?o, and each bound part (a premise with its flag)."""
    found = [("p", str(row["p"])), ("o", str(row["o"]))]
    for s, p, o in PARTS:
        if row[s] is not None:
            found.append((s, str(row[s]), str(row[p]), str(row[o])))
            if not s.startswith("a"):
                found.append((f"i_{s}", row[f"i_{s}"].value))
    return tuple(found)


def matched_rows(kg: KnowledgeGraph, rule) -> int:
    """Assert that ``rule``'s matcher finds the rows of its query for every subject of graph/inferred; count them."""
    explainer, matched = Explainer(kg, Vocabulary.load(kg)), 0
    for subject, facts in inferred_facts(kg).items():
        pending = {(p.value, str(o)): (p, o) for p, o in facts}
        python = sorted(map(shown, explainer.premises.rows(rule.matcher, subject, pending)))
        query = explainer.queries[rule].replace("$S", str(subject))
        sparql = sorted(shown(row) for row in kg.query(query) if (row["p"].value, str(row["o"])) in pending)
        assert python == sparql, (rule.matcher, subject)
        matched += len(python)
    return matched


MATCHED = [rule for rule in RULES if rule.matcher]


@pytest.mark.parametrize("rule", MATCHED, ids=lambda rule: rule.matcher)
def test_each_matcher_finds_the_rows_of_its_query(kg, rule):
    assert matched_rows(kg, rule) > 0, f"the shipped data never exercises {rule.matcher}"


def edge_cases() -> KnowledgeGraph:
    """Axioms and data the shipped build lacks: reflexive axioms, a self-inverse property, loops of a transitive one,
    a fact both stated and inferred."""
    n = lambda name: ox.NamedNode(term(name))  # noqa: E731
    entity = lambda slug: ox.NamedNode(ID + "org/" + slug)  # noqa: E731
    a, b, p, q, inv, r, sym, tr = (n("cq:" + name) for name in ("A", "B", "p", "q", "inv", "r", "sym", "tr"))
    s, x, y, z, m, end = (entity(slug) for slug in ("s", "x", "y", "z", "m", "end"))
    axioms = [(a, n("rdfs:subClassOf"), a), (a, n("rdfs:subClassOf"), b), (p, n("rdfs:subPropertyOf"), p),
              (q, n("rdfs:subPropertyOf"), p), (inv, n("owl:inverseOf"), inv), (r, n("owl:inverseOf"), inv),
              (sym, n("rdf:type"), n("owl:SymmetricProperty")), (tr, n("rdf:type"), n("owl:TransitiveProperty"))]
    stated = [(s, n("rdf:type"), a), (s, q, x), (y, r, s), (y, inv, s), (z, sym, s), (s, tr, m), (m, tr, m),
              (m, tr, end), (s, tr, s), (end, tr, end)]
    inferred = [(s, n("rdf:type"), b), (s, p, x), (s, inv, y), (s, sym, z), (s, tr, end),
                (s, n("rdf:type"), a)]  # also stated: a build never writes it to graph/inferred, but if it did
    store = ox.Store()
    for triples, graphs in ((axioms, (ONTOLOGY_GRAPH,)), (stated, (ASSERTED_GRAPH,)), (inferred, (INFERRED_GRAPH,))):
        for triple in triples:
            for graph in (ox.DefaultGraph(), ox.NamedNode(graphs[0])):
                store.add(ox.Quad(*triple, graph))
    return KnowledgeGraph(store, {})


@pytest.mark.parametrize("rule", MATCHED, ids=lambda rule: rule.matcher)
def test_each_matcher_finds_the_rows_of_its_query_in_edge_cases(rule):
    assert matched_rows(edge_cases(), rule) > 0


def test_explanations_are_the_same_with_or_without_the_matchers(kg, inferred):
    fast, slow = Explainer(kg, Vocabulary.load(kg)), Explainer(kg, Vocabulary.load(kg))
    slow.premises.rows = lambda *args: None  # every rule by its SPARQL query
    for subject, facts in inferred.items():
        assert fast.explain(subject.value, facts) == slow.explain(subject.value, facts), subject


def test_only_facts_of_graph_inferred_are_explained():
    """As the queries join graph/inferred: a fact also stated, or one that does not hold, has no explanation."""
    store, subject = ox.Store(), ox.NamedNode(ID + "org/example")
    kind, broader, other = (ox.NamedNode(term(name)) for name in ("cq:CASInstitute", "cq:ResearchInstitute", "cq:District"))
    for graph in (ox.DefaultGraph(), ox.NamedNode(ONTOLOGY_GRAPH)):
        store.add(ox.Quad(kind, ox.NamedNode(term("rdfs:subClassOf")), broader, graph))
        store.add(ox.Quad(kind, ox.NamedNode(term("rdfs:subClassOf")), other, graph))
    for graph in (ox.DefaultGraph(), ox.NamedNode(ASSERTED_GRAPH)):
        store.add(ox.Quad(subject, ox.NamedNode(RDF_TYPE), kind, graph))
        store.add(ox.Quad(subject, ox.NamedNode(RDF_TYPE), broader, graph))  # stated, so not in graph/inferred
    kg = KnowledgeGraph(store, {})
    facts = [(ox.NamedNode(RDF_TYPE), broader), (ox.NamedNode(RDF_TYPE), other)]
    assert Explainer(kg, Vocabulary.load(kg)).explain(subject.value, facts) == {}
    store.add(ox.Quad(subject, ox.NamedNode(RDF_TYPE), other, ox.NamedNode(INFERRED_GRAPH)))
    found = Explainer(kg, Vocabulary.load(kg)).explain(subject.value, facts)
    assert list(found) == [(RDF_TYPE, str(other))]
    [part, axiom] = found[(RDF_TYPE, str(other))][0].parts
    assert (part.object, part.inferred, axiom.object) == (kind, False, other)


def test_too_many_axioms_leave_every_rule_to_sparql(kg, monkeypatch):
    monkeypatch.setattr("cqkg.linked_data.premises.AXIOM_LIMIT", 3)
    premises = Premises(kg)
    assert not premises.axioms.complete
    assert premises.rows("stated types", ox.NamedNode(ID + "org/cigit"), {}) is None
    assert set(MATCHERS) == {rule.matcher for rule in RULES if rule.matcher}


def test_axioms_are_read_from_the_default_graph():
    store = ox.Store()
    a, b = ox.NamedNode(term("cq:A")), ox.NamedNode(term("cq:B"))
    store.add(ox.Quad(a, ox.NamedNode(term("rdfs:subClassOf")), b))
    store.add(ox.Quad(b, ox.NamedNode(term("rdfs:subClassOf")), a, ox.NamedNode(INFERRED_GRAPH)))
    axioms = Axioms.load(KnowledgeGraph(store, {}))
    assert axioms.up == {(ox.NamedNode(term("rdfs:subClassOf")), a): [b]}
