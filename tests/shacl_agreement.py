"""Test helpers: the compiled SHACL engine against pySHACL, and a data variant with known violations.

``assert_same_results`` runs both engines on one data graph and compares the sets of
results (focus node, path, constraint component, severity, source shape, source
constraint, value) and, where a value keeps its lexical form, the messages.
``violation_variant`` copies entities of the shipped data under fresh IRIs and
breaks each kind of constraint a known number of times.
"""

from __future__ import annotations

from collections import Counter

import pyoxigraph as ox
from rdflib import Graph, URIRef

from cqkg.build.load import to_graph, to_oxigraph
from cqkg.build.shacl_engine import Result, data_store, run_shapes
from cqkg.build.shacl_reference import reference_results
from cqkg.build.shacl_shapes import read_shapes
from cqkg.namespaces import ID, PREFIXES

RDF_TYPE = ox.NamedNode(PREFIXES["rdf"] + "type")


def engine_results(data: Graph, shapes: Graph, touched: set | None = None, use_shapes=None) -> list[Result]:
    """The compiled engine's results (every shape must compile)."""
    compiled, left = read_shapes(shapes)
    if use_shapes is not None:
        compiled = [shape for shape in compiled if shape.node in use_shapes]
    store = data_store(ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in data)
    results, not_compiled = run_shapes(store, compiled, touched)
    assert not left and not not_compiled, f"shapes left to pySHACL: {left + not_compiled}"
    return results


def assert_same_results(data: Graph, shapes: Graph, use_shapes=None) -> list[Result]:
    """Assert both engines give the same set of results on ``data``; return the engine's."""
    ours = engine_results(data, shapes, use_shapes=use_shapes)
    assert_same_sets(ours, reference_results(data, shapes, use_shapes=use_shapes))
    return ours


def assert_same_sets(ours: list[Result], reference: list[Result]) -> None:
    """Assert the engine's results equal pySHACL's as sets, and so do their messages (unless a value was recast)."""
    theirs = {_canonical(result): result for result in reference}
    missing, extra = set(theirs) - set(ours), set(ours) - set(theirs)
    assert not missing and not extra, "pySHACL only:\n" + "\n".join(map(str, missing)) + \
        "\nengine only:\n" + "\n".join(map(str, extra))
    for result in ours:
        original = theirs[result]
        if result.messages and original.value == result.value:  # a recast value reads differently
            assert set(result.messages) == set(original.messages), result


def _canonical(result: Result) -> Result:
    """``result`` with its value as a store keeps it (Oxigraph writes xsd:decimal 213.0 as 213)."""
    if not isinstance(result.value, ox.Literal):
        return result
    store = ox.Store()
    store.add(ox.Quad(ox.NamedNode(ID + "s"), RDF_TYPE, result.value))
    canonical = next(iter(store.quads_for_pattern(None, None, None, None))).object
    return Result(result.focus, result.path, result.component, result.severity, result.shape, canonical,
                  result.constraint, result.messages)


def kinds(results: list[Result]) -> Counter:
    """Count results per kind: the component's name, then the path, or the shape's and the constraint's names."""
    def name(term) -> str:
        return str(term).rsplit("/", 1)[1] if isinstance(term, URIRef) else ""

    def kind(result: Result) -> str:
        component = result.component.rsplit("#", 1)[1].removesuffix("ConstraintComponent")
        detail = result.path or f"{name(result.shape)} {name(result.constraint)}"
        return f"{component} {detail}".strip()
    return Counter(kind(result) for result in set(results))


def sample(triples: set, store: ox.Store, more: dict[str, int]) -> set:
    """The triples of the first entities of some classes (``more``: class → count) and of every node they point to."""
    seeds = set()
    for cls, count in more.items():
        rows = store.query(f"SELECT DISTINCT ?x WHERE {{ ?x <{RDF_TYPE.value}>/<{PREFIXES['rdfs']}subClassOf>* "
                           f"<{cls}> FILTER(STRSTARTS(STR(?x), \"{ID}\")) }} ORDER BY ?x")
        seeds.update(row["x"].value for row in list(rows)[:count])
    reached = seeds | {o.value for s, _p, o in triples if s.value in seeds and isinstance(o, ox.NamedNode)}
    return {t for t in triples if isinstance(t[0], ox.NamedNode) and t[0].value in reached}


def renamed(triples: set, suffix: str) -> set:
    """``triples`` with every cqkg entity IRI given ``suffix`` (fresh entities with the same shape)."""
    def rename(term):
        if isinstance(term, ox.NamedNode) and term.value.startswith(ID):
            return ox.NamedNode(term.value + suffix)
        return term
    return {(rename(s), p, rename(o)) for s, p, o in triples}


def as_graph(*parts) -> Graph:
    """An rdflib Graph of pyoxigraph (s, p, o) tuples from each part."""
    return to_graph(ox.Quad(s, p, o) for part in parts for s, p, o in part)
