"""The compiled SHACL engine (shapes → SPARQL on pyoxigraph) gives pySHACL's results.

pySHACL is the reference: on the shipped data (one test per shape, to keep each short),
on every fixture, on a variant of the shipped data with a known number of violations
of each kind, and on shapes using components ontology/shapes.ttl does not. Then: the
fallback to pySHACL, incremental validation (``focus``) and the report.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.namespace import RDF, SH

from cqkg.build.load import load_inputs, to_graph
from cqkg.build.pipeline import asserted_graph
from cqkg.build.shacl_engine import data_store
from cqkg.build.shacl_reference import reference_results
from cqkg.build.shacl_shapes import read_shapes
from cqkg.build.validate import validate
from cqkg.namespaces import DEF, ID, PREFIXES
from shacl_agreement import as_graph, assert_same_results, assert_same_sets, engine_results, kinds, renamed, sample

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"
SHAPE_IRIS = sorted(str(s.node) for s in read_shapes(Graph().parse(ROOT / "ontology" / "shapes.ttl"))[0])
RDFS, XSD, DCTERMS = PREFIXES["rdfs"], PREFIXES["xsd"], PREFIXES["dcterms"]
QB, GEO = PREFIXES["qb"], PREFIXES["geo"]
SDMX_PERIOD = PREFIXES["sdmx-dimension"] + "refPeriod"


def node(iri: str) -> ox.NamedNode:
    return ox.NamedNode(iri)


@pytest.fixture(scope="module")
def shipped():
    """The shipped data graph the build validates (asserted data and ontology), its triples, shapes and ontology."""
    inputs = load_inputs(ROOT)
    shapes, ontology = to_graph(inputs.shapes), to_graph(inputs.ontology)
    data = asserted_graph(inputs)
    merged = Graph()
    for graph in (ontology, data):
        for triple in graph:
            merged.add(triple)
    return {"merged": merged, "shapes": shapes, "ontology": ontology, "inputs": inputs, "data": data}


@pytest.fixture(scope="module")
def shipped_results(shipped):
    """Both engines' results on the shipped data, grouped by target shape (pySHACL takes ~15 s: run once)."""
    owner = {}
    for shape in read_shapes(shipped["shapes"])[0]:
        owner.update({node: str(shape.node) for node in [shape.node] + [p.node for p in shape.properties]})
    ours, theirs = {}, {}
    for result in engine_results(shipped["merged"], shipped["shapes"]):
        ours.setdefault(owner[result.shape], []).append(result)
    for result in reference_results(shipped["merged"], shipped["shapes"]):
        theirs.setdefault(owner[result.shape], []).append(result)
    return ours, theirs


@pytest.mark.parametrize("shape", SHAPE_IRIS, ids=[iri.rsplit("/", 1)[1] for iri in SHAPE_IRIS])
def test_shipped_data_gives_pyshacls_results(shipped_results, shape):
    ours, theirs = (results.get(shape, []) for results in shipped_results)
    assert_same_sets(ours, theirs)


def test_shipped_data_has_the_two_known_warnings_only(shipped_results):
    ours = [result for results in shipped_results[0].values() for result in results]
    assert sorted(r.focus.value.rsplit("/", 1)[1] for r in ours) == ["army-logistics-academy", "army-medical-university"]


@pytest.mark.parametrize("fixture", sorted((FIXTURES / "invalid").glob("*.ttl")) + [FIXTURES / "valid" / "minimal.ttl"],
                         ids=lambda p: p.stem)
def test_fixture_gives_pyshacls_results(shipped, fixture):
    data = Graph().parse(fixture)
    for triple in shipped["ontology"]:
        data.add(triple)
    results = assert_same_results(data, shipped["shapes"])
    assert results or fixture.parent.name == "valid"


# -- a variant of the shipped data with known violations --------------------------------------------------

def _variant(shipped):
    """Entities sampled from the shipped data, copied under fresh IRIs, and the same copy with breakages."""
    triples = {(q.subject, q.predicate, q.object) for q in (ox.Quad(*map(_ox, t)) for t in shipped["data"])}
    ontology = {(q.subject, q.predicate, q.object) for q in shipped["inputs"].ontology}
    seeds = {DEF + "Organisation": 20, DEF + "HigherEducationInstitution": 2, QB + "Observation": 2,
             DEF + "Sentence": 2, GEO + "Geometry": 2, DEF + "Industry": 1}
    base = renamed(sample(triples, data_store(ox.Triple(*t) for t in triples | ontology), seeds), "-variant")
    store = data_store(ox.Triple(*t) for t in base | ontology)
    broken, expected, used = set(base), Counter(), set()

    def pick(cls: str, count: int, unless=None):
        rows = store.query(f"SELECT DISTINCT ?x WHERE {{ ?x <{RDF}type>/<{RDFS}subClassOf>* <{cls}> }} ORDER BY ?x")
        chosen = [r["x"] for r in rows if r["x"] not in used and r["x"].value.startswith(ID)
                  and (unless is None or not any(True for _ in store.quads_for_pattern(r["x"], node(unless), None)))]
        assert len(chosen) >= count, f"the sample has too few {cls}"
        used.update(chosen[:count])
        return chosen[:count]

    def replace(subject, predicate: str, obj):
        broken.difference_update({t for t in broken if t[0] == subject and t[1] == node(predicate)})
        broken.add((subject, node(predicate), obj))

    for x in pick(DEF + "Organisation", 2):  # no label in Chinese left
        broken.difference_update({t for t in broken if t[0] == x and isinstance(t[2], ox.Literal)
                                  and t[2].language == "zh"})
    expected["Or ChineseLabelShape"] += 2
    for x in pick(DEF + "Organisation", 2):
        broken.add((x, node(RDFS + "label"), ox.Literal("Duplicate one", language="en")))
        broken.add((x, node(RDFS + "label"), ox.Literal("Duplicate two", language="en")))
    expected[f"UniqueLang {RDFS}label"] += 2
    for x in pick(DEF + "Organisation", 2):
        replace(x, DEF + "foundingYear", ox.Literal("3000", datatype=node(XSD + "gYear")))
    expected["SPARQL OrganisationShape PlausibleFoundingYear"] += 2
    industry = pick(DEF + "Industry", 1)[0]
    for x in pick(DEF + "HigherEducationInstitution", 2):
        broken.add((x, node(DEF + "locatedIn"), industry))
        replace(x, DEF + "moeInstitutionCode", ox.Literal("123"))
    expected[f"Class {DEF}locatedIn"] += 2
    expected[f"Pattern {DEF}moeInstitutionCode"] += 2
    for x in pick(QB + "Observation", 2):
        broken.difference_update({t for t in broken if t[0] == x and t[1] == node(DEF + "unit")})
        broken.add((x, node(SDMX_PERIOD), ox.Literal("1999", datatype=node(XSD + "gYear"))))
    expected[f"MinCount {DEF}unit"] += 2
    expected[f"MaxCount {SDMX_PERIOD}"] += 2
    for x in pick(DEF + "Sentence", 2):
        replace(x, DEF + "charEnd", ox.Literal("100000", datatype=node(XSD + "integer")))
    expected["SPARQL SentenceShape"] += 2
    for x in pick(GEO + "Geometry", 2):
        replace(x, GEO + "asWKT", ox.Literal("LINESTRING(1 2, 3 4)", datatype=node(GEO + "wktLiteral")))
    expected[f"Pattern {GEO}asWKT"] += 2
    for x in pick(DEF + "Organisation", 2, unless=DEF + "curated"):
        broken.add((x, node(DCTERMS + "source"), ox.Literal("https://example.org/as-text")))
        replace(x, DEF + "labelStatus", node(DEF + "NoSuchStatus"))
    expected[f"NodeKind {DCTERMS}source"] += 2
    expected[f"In {DEF}labelStatus"] += 2
    return base, broken, ontology, expected


def _ox(term):
    from cqkg.build.load import to_oxigraph
    return to_oxigraph(term)


def test_violation_variant_gives_pyshacls_results_and_the_known_violations(shipped):
    base, broken, ontology, expected = _variant(shipped)
    results = assert_same_results(as_graph(broken, ontology), shipped["shapes"])
    before = engine_results(as_graph(base, ontology), shipped["shapes"])
    assert kinds(results) - kinds(before) == expected
