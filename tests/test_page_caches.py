"""What pages keep per process besides labels — values and sources, the HTML of terms, the prefix of IRIs:
bounded, the same as made afresh, never another build's (another root's: test_site_root)."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from cqkg.linked_data.labels import Labels
from cqkg.linked_data.rdf import _prefix
from cqkg.linked_data.view import Value, Values
from cqkg.namespaces import ID, PREFIXES, RDFS_LABEL, shorten, term
from cqkg.store import KnowledgeGraph
from cqkg.web.html import TERMS_KEPT, _term_html, term_html

TERMS = "SELECT DISTINCT ?t WHERE { { ?t ?p ?o } UNION { ?s ?t ?o } UNION { ?s ?p ?t } } LIMIT 10000"


@pytest.fixture(scope="module")
def terms(kg) -> list:
    """Every term of the graph: IRIs of entities and terms, literals of every datatype; and a blank node (it has none)."""
    return [row["t"] for row in kg.query(TERMS)] + [ox.BlankNode("b0")]


def test_values_are_those_made_afresh(kg, terms):
    values = Values(Labels(kg))
    assert {type(t) for t in terms} == {ox.NamedNode, ox.Literal, ox.BlankNode}
    for node in terms * 2:  # the second time from the cache
        assert values.value(node) == Values.value.__wrapped__(values, node), node
    cigit = values.value(ox.NamedNode(ID + "org/cigit"))
    assert (cigit.href, cigit.text_zh) == ("/id/org/cigit", "中国科学院重庆绿色智能技术研究院")


def test_values_and_sources_are_bounded(kg, terms):
    values = Values(Labels(kg), entries=7)
    for node in terms[:200]:
        assert values.value(node) == Values.value.__wrapped__(values, node)
        assert len(values._values) <= 7
    sentences = [f"{ID}source/outline-2018-s{n:02d}" for n in range(1, 34)]
    for graph in sentences:
        source = values.source(graph)
        assert (source.kind, source.number) == ("sentence", str(int(graph[-2:])))
        assert source.text == kg.select(f"SELECT ?t WHERE {{ <{graph}> schema:text ?t }}")[0]["t"]
        assert len(values._sources) <= 7


def test_each_store_has_its_own_values():
    def kg_labelling(name: str) -> KnowledgeGraph:
        store = ox.Store()
        store.add(ox.Quad(ox.NamedNode(ID + "org/cigit"), ox.NamedNode(RDFS_LABEL), ox.Literal(name, language="en")))
        return KnowledgeGraph(store, {})

    old, new = Values(Labels(kg_labelling("old"))), Values(Labels(kg_labelling("new")))
    cigit = ox.NamedNode(ID + "org/cigit")
    assert (old.value(cigit).text, new.value(cigit).text, old.value(cigit).text) == ("old", "new", "old")


def test_the_html_of_a_term_is_kept_bounded_and_right(kg, terms):
    values = Values(Labels(kg))
    shown = [values.value(node) for node in terms]
    for value in shown * 2:
        for zh in (True, False):
            assert _term_html(value, zh, "") == _term_html.__wrapped__(value, zh, "")
    many = [Value(f"term {n}", href=f"/id/org/t{n}", iri=f"{ID}org/t{n}") for n in range(TERMS_KEPT + 50)]
    for value in many:
        _term_html(value, True, "")
    assert _term_html.cache_info().currsize == TERMS_KEPT == _term_html.cache_info().maxsize
    assert term_html(many[0]) == f'<a href="/id/org/t0" title="{ID}org/t0">term 0</a>'  # evicted, made again



def test_the_prefix_of_an_iri_is_kept_bounded_and_right(terms):
    for node in terms:
        if isinstance(node, ox.NamedNode):
            name = shorten(node.value)
            assert _prefix(node.value) == (name.split(":")[0] if name else None)
    assert _prefix(term("cq:locatedIn")) == "cq" and _prefix("https://ror.org/031npqv35") is None
    maxsize = _prefix.cache_info().maxsize
    for n in range(maxsize + 50):
        assert _prefix(f"{PREFIXES['cqorg']}o{n}") == "cqorg"
    assert _prefix.cache_info().currsize == maxsize
