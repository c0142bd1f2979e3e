"""Classes and their instances: counts (subclasses included), paged listings, how often a property is used.

The default graph holds what reasoning entails, so ``?e a <C>`` already counts the
instances of every subclass of C; the listing also shows each instance's own
(asserted) type. Pages are at most ``MAX_PAGE_SIZE`` instances.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from cqkg.namespaces import ASSERTED_GRAPH
from cqkg.store import KnowledgeGraph

PAGE_SIZE = 50
MAX_PAGE_SIZE = 200
MAX_CLASSES = 2000

COUNT = "SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a $C FILTER(isIRI(?e)) }"
COUNTS = """SELECT ?c (COUNT(DISTINCT ?e) AS ?n) WHERE { VALUES ?c { $CS } ?e a ?c FILTER(isIRI(?e)) }
            GROUP BY ?c LIMIT $LIMIT"""
ALL_COUNTS = """SELECT ?c (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a ?c FILTER(isIRI(?e) && isIRI(?c)) }
                GROUP BY ?c ORDER BY DESC(?n) ?c LIMIT $LIMIT"""
USAGE = "SELECT (COUNT(*) AS ?n) WHERE { ?s $P ?o }"
INSTANCES = f"""
SELECT ?e (SAMPLE(?label_en) AS ?en) (SAMPLE(?label_zh) AS ?zh) (SAMPLE(?direct) AS ?type) WHERE {{
    ?e a $C FILTER(isIRI(?e))
    OPTIONAL {{ ?e rdfs:label ?label_en FILTER(LANGMATCHES(LANG(?label_en), "en")) }}
    OPTIONAL {{ ?e rdfs:label ?label_zh FILTER(LANGMATCHES(LANG(?label_zh), "zh")) }}
    OPTIONAL {{ GRAPH <{ASSERTED_GRAPH}> {{ ?e a ?direct }} }}
}} GROUP BY ?e ORDER BY LCASE(STR(COALESCE(?en, ?zh, STR(?e)))) ?e LIMIT $LIMIT OFFSET $OFFSET
"""


@dataclass(frozen=True)
class Instance:
    """One instance in a listing: its IRI, labels and one of its asserted types."""

    iri: str
    en: str | None
    zh: str | None
    asserted_type: str | None


def instance_count(kg: KnowledgeGraph, class_iri: str) -> int:
    """How many IRIs are instances of ``class_iri``, instances of its subclasses included."""
    return int(next(iter(kg.query(COUNT.replace("$C", _node(class_iri)))))["n"].value)


def instance_counts(kg: KnowledgeGraph, classes) -> dict[str, int]:
    """Instance counts of each class of ``classes`` (subclasses included); classes without instances are left out."""
    classes = sorted(classes)[:MAX_CLASSES]
    if not classes:
        return {}
    query = COUNTS.replace("$CS", " ".join(_node(c) for c in classes)).replace("$LIMIT", str(MAX_CLASSES))
    return {row["c"].value: int(row["n"].value) for row in kg.query(query)}


def all_class_counts(kg: KnowledgeGraph) -> dict[str, int]:
    """Every class that has instances, with their number, most instances first."""
    return {row["c"].value: int(row["n"].value) for row in kg.query(ALL_COUNTS.replace("$LIMIT", str(MAX_CLASSES)))}


def instances(kg: KnowledgeGraph, class_iri: str, page: int, size: int = PAGE_SIZE) -> tuple[list[Instance], bool]:
    """Page ``page`` (from 0) of the instances of ``class_iri`` by label, and whether another page follows."""
    size = max(1, min(size, MAX_PAGE_SIZE))
    query = (INSTANCES.replace("$C", _node(class_iri)).replace("$LIMIT", str(size + 1))
             .replace("$OFFSET", str(max(0, page) * size)))
    rows = [Instance(row["e"].value, _text(row["en"]), _text(row["zh"]), _text(row["type"])) for row in kg.query(query)]
    return rows[:size], len(rows) > size


def usage_count(kg: KnowledgeGraph, property_iri: str) -> int:
    """How many triples of the default graph (asserted and inferred) use ``property_iri``."""
    return int(next(iter(kg.query(USAGE.replace("$P", _node(property_iri)))))["n"].value)


def _node(iri: str) -> str:
    return str(ox.NamedNode(iri))


def _text(term) -> str | None:
    return None if term is None else term.value
