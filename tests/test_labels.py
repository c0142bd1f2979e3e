"""The labels pages and descriptions show, kept per process: right, bounded, never another build's."""

from __future__ import annotations

import threading

import pyoxigraph as ox
import pytest

from cqkg.linked_data.describe import LABEL_PROPERTIES, SOURCE_PROPERTIES, context, describe
from cqkg.linked_data.labels import Labels
from cqkg.namespaces import ASSERTED_GRAPH, CQ, ID, LINKS_GRAPHS, RDFS_LABEL, is_sentence_graph, term
from cqkg.store import KnowledgeGraph

LABELLED = """SELECT DISTINCT ?s WHERE { { ?s rdfs:label ?l } UNION { GRAPH ?g { ?s rdfs:label ?l } } FILTER(isIRI(?s)) }
              ORDER BY ?s"""
CIGIT = ID + "org/cigit"


def expected_labels(kg: KnowledgeGraph, iri: str) -> dict[str, str]:
    """The first label of each of English and Chinese, asked with SPARQL in the store's order."""
    found: dict[str, str] = {}
    for row in kg.query(f"SELECT ?l WHERE {{ <{iri}> rdfs:label ?l }}"):
        language = row["l"].language.split("-")[0] if isinstance(row["l"], ox.Literal) and row["l"].language else ""
        if language in ("en", "zh"):
            found.setdefault(language, row["l"].value)
    return found


@pytest.fixture(scope="module")
def labelled(kg) -> list[str]:
    """Every IRI with a label in some graph (the default graph or another), in order."""
    return [row["s"] for row in kg.select(LABELLED)]


def test_labels_are_those_of_the_store(kg, labelled):
    labels = Labels(kg)
    assert len(labelled) > 300
    for iri in labelled * 2:  # the second time from the cache
        assert labels.of(iri) == expected_labels(kg, iri), iri
    assert labels.of(CIGIT)["zh"] == "中国科学院重庆绿色智能技术研究院"
    assert labels.of(ID + "org/no-such-organisation") == {}


def test_the_cache_is_bounded_and_stays_right(kg, labelled):
    labels = Labels(kg, entries=5)
    for iri in labelled[:50]:
        assert labels.of(iri) == expected_labels(kg, iri)
        assert len(labels._found) <= 5
    assert labels.of(labelled[0]) == expected_labels(kg, labelled[0])  # long evicted: looked up again


def test_text_and_working_translations(kg):
    labels = Labels(kg)
    sentence = ID + "source/outline-2018-s14"
    text = kg.select(f"SELECT ?t WHERE {{ <{sentence}> schema:text ?t }}")[0]["t"]
    assert labels.first(sentence, term("schema:text")) == text
    assert labels.first(sentence, term("cq:sentenceNumber")) == "14"
    assert labels.first(CIGIT, term("schema:text")) is None
    assert labels.is_working_translation(ID + "indicator/rd-expenditure")
    assert not labels.is_working_translation(CIGIT)


def test_each_store_has_its_own_labels():
    """A new build is read through a new KnowledgeGraph: its Labels never answer with the old build's labels."""
    def build(label: str) -> KnowledgeGraph:
        store = ox.Store()
        store.add(ox.Quad(ox.NamedNode(CIGIT), ox.NamedNode(RDFS_LABEL), ox.Literal(label, language="en")))
        store.add(ox.Quad(ox.NamedNode(CIGIT), ox.NamedNode(str(CQ.labelStatus)), ox.NamedNode(str(CQ.WorkingTranslation))))
        return KnowledgeGraph(store, {"fingerprint": label})

    old, new = Labels(build("old name")), Labels(build("new name"))
    assert old.of(CIGIT) == {"en": "old name"}
    assert new.of(CIGIT) == {"en": "new name"}
    assert old.of(CIGIT) == {"en": "old name"} and old.is_working_translation(CIGIT)


def test_threads_share_one_cache(kg, labelled):
    labels, failures = Labels(kg, entries=20), []

    def look_up(offset: int) -> None:
        for iri in labelled[offset:] + labelled[:offset]:
            if labels.of(iri) != expected_labels(kg, iri):
                failures.append(iri)

    threads = [threading.Thread(target=look_up, args=(n * 37,)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == [] and len(labels._found) <= 20


@pytest.mark.parametrize("iri", [CIGIT, ID + "place/yuzhong-district", ID + "source/outline-2018-s14",
                                 term("cq:ResearchOrganisation"), term("cq:locatedIn")])
def test_a_description_s_context_is_what_the_store_says(kg, iri):
    """The context read through Labels holds the quads one SPARQL query over the named graphs finds."""
    description = describe(kg, iri, dict(kg.manifest["graphs"]))
    statements = context(Labels(kg), description)
    linked = sorted(description.linked_iris())
    sources = sorted(g for g in set(description.cited_graphs()) | set(linked)
                     if is_sentence_graph(g) or g.startswith(LINKS_GRAPHS))
    branches = [f"{{ VALUES ?s {{ {' '.join(f'<{i}>' for i in iris)} }} GRAPH ?g {{ ?s <{p}> ?o }} BIND(<{p}> AS ?p) }}"
                for iris, properties in ((linked, LABEL_PROPERTIES), (sources, SOURCE_PROPERTIES)) if iris
                for p in properties]
    graphs: dict[tuple, set[str]] = {}
    for row in kg.query(f"SELECT ?s ?p ?o ?g WHERE {{ {' UNION '.join(branches)} }}"):
        graphs.setdefault((row["s"], row["p"], row["o"]), set()).add(row["g"].value)
    # graph/asserted is an origin only when no other graph states the triple (see describe)
    assert {(s.subject, s.predicate, s.object): set(s.graphs) for s in statements} == {
        triple: names - {ASSERTED_GRAPH} or names for triple, names in graphs.items()}
    assert len(linked) > 3 and any(s.predicate.value == RDFS_LABEL for s in statements)


def test_labels_come_from_the_default_graph():
    store = ox.Store()
    named = ox.NamedNode(ID + "source/outline-2018-s14")
    store.add(ox.Quad(ox.NamedNode(CIGIT), ox.NamedNode(RDFS_LABEL), ox.Literal("stated in a sentence", language="en"), named))
    store.add(ox.Quad(ox.NamedNode(CIGIT), ox.NamedNode(RDFS_LABEL), ox.Literal("重庆", language="zh-Hans")))
    assert Labels(KnowledgeGraph(store, {})).of(CIGIT) == {"zh": "重庆"}
