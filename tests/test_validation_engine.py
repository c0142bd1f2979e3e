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
from rdflib.namespace import RDF

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


# -- components and targets ontology/shapes.ttl does not use -------------------------------------------------

MORE_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> . @prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
ex:ThingShape a sh:NodeShape ; sh:targetClass ex:Thing ; sh:severity sh:Info ;
  sh:property [ sh:path ex:name ; sh:uniqueLang true ; sh:languageIn ("en" "fr") ; sh:maxLength 5 ] ,
    [ sh:path ex:size ; sh:minExclusive 0 ; sh:maxExclusive 10 ; sh:datatype xsd:integer ; sh:minCount 2 ] ,
    [ sh:path ex:part ; sh:node ex:PartShape ; sh:nodeKind sh:BlankNodeOrIRI ] ,
    [ sh:path ex:colour ; sh:in ("red" "blue") ; sh:hasValue "red" ] ,
    [ sh:path ex:part ; sh:qualifiedValueShape [ sh:class ex:Part ] ; sh:qualifiedMaxCount 1 ] ,
    [ sh:path ex:code ; sh:pattern "^ab" ; sh:flags "i" ; sh:deactivated false ] ,
    [ sh:path ex:ignored ; sh:minCount 1 ; sh:deactivated true ] ;
  sh:xone ( [ sh:class ex:Red ] [ sh:class ex:Blue ] ) ;
  sh:not [ sh:class ex:Forbidden ] ;
  sh:and ( [ sh:nodeKind sh:IRI ] [ sh:pattern "thing" ] ) .
ex:PartShape a sh:NodeShape ; sh:property [ sh:path ex:weight ; sh:minCount 1 ; sh:maxCount 1 ] .
ex:Gadget a rdfs:Class , sh:NodeShape ; sh:property [ sh:path ex:name ; sh:minCount 1 ; sh:message "A gadget has a name."@en ] .
ex:NodeTargetShape a sh:NodeShape ; sh:targetNode ex:absent , ex:t1 ; sh:class ex:Thing .
ex:ObjectsShape a sh:NodeShape ; sh:targetObjectsOf ex:code ; sh:nodeKind sh:IRI .
ex:BlankSubjectsShape a sh:NodeShape ; sh:targetSubjectsOf ex:weight ; sh:property [ sh:path ex:weight ; sh:datatype xsd:decimal ] .
ex:PreboundShape a sh:NodeShape ; sh:targetClass ex:Thing ;
  sh:sparql [ sh:message "{$this} is not an IRI, says {?why}."@en ;
              sh:select "SELECT $this ?why WHERE { FILTER(!isIRI($this) || STRENDS(STR($this), \\"t2\\")) BIND(\\"the filter\\" AS ?why) }" ] .
"""
MORE_DATA = """
@prefix ex: <https://example.org/> . @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
ex:t1 a ex:Thing , ex:Red ; ex:name "one"@en , "uno"@en , "eins"@de , "far too long"@fr ;
  ex:size 3 , 12 , "x"^^xsd:integer ; ex:part _:p1 , ex:p2 , "lit" ; ex:colour "red" , "green" ; ex:code "ABc" , "xyz" .
ex:t2 a ex:Thing , ex:Red , ex:Blue , ex:Forbidden ; ex:size 5.5 ; ex:colour "blue" .
_:p1 a ex:Part ; ex:weight 1.5 , 2.5 .
ex:p2 a ex:Part ; ex:weight "heavy" .
ex:g1 a ex:Gadget .
ex:thing3 a ex:Thing ; ex:size 1 , 2 ; ex:colour "red" .
"""


def test_other_components_and_targets_give_pyshacls_results():
    shapes = Graph().parse(data=MORE_SHAPES, format="turtle")
    data = Graph().parse(data=MORE_DATA, format="turtle")
    results = assert_same_results(data, shapes)
    components = {r.component.rsplit("#", 1)[1].removesuffix("ConstraintComponent") for r in results}
    assert components >= {"UniqueLang", "LanguageIn", "MaxLength", "MinExclusive", "MaxExclusive", "Datatype",
                          "MinCount", "Node", "NodeKind", "In", "HasValue", "QualifiedMaxCount",
                          "Pattern", "Xone", "Not", "And", "Class", "SPARQL"}
    assert "https://example.org/ignored" not in {r.path for r in results}



# -- what the compiler leaves to pySHACL ----------------------------------------------------------------------

CLOSED = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
ex:ClosedShape a sh:NodeShape ; sh:targetClass ex:Thing ; sh:closed true ; sh:ignoredProperties ( <http://www.w3.org/1999/02/22-rdf-syntax-ns#type> ) ;
  sh:property [ sh:path ex:size ] .
ex:CompiledShape a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:size ; sh:maxCount 1 ] .
"""
BLANK_EQUALS = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
[] a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:size ; sh:equals ex:colour ] .
ex:CompiledShape a sh:NodeShape ; sh:targetClass ex:Thing ; sh:property [ sh:path ex:size ; sh:maxCount 1 ] .
"""


def _keys(findings) -> set:
    return {(f.severity, f.focus, f.path, f.component, f.shape, f.value) for f in findings}


@pytest.mark.parametrize("shapes_text", [CLOSED, BLANK_EQUALS], ids=["iri-shape", "blank-shape"])
def test_a_shape_the_compiler_does_not_translate_is_checked_by_pyshacl(shapes_text):
    from cqkg.build.validate import _report
    shapes = Graph().parse(data=shapes_text, format="turtle")
    data = Graph().parse(data=MORE_DATA, format="turtle")
    compiled, left = read_shapes(shapes)
    assert len(compiled) == 1 and len(left) == 1
    report = validate(data, shapes, Graph())
    expected = _report(reference_results(data, shapes), {})
    assert _keys(report.findings) == _keys(expected.findings)
    assert {f.component for f in report.findings} >= {"sh:MaxCountConstraintComponent"}
    assert {f.component for f in report.findings} & {"sh:ClosedConstraintComponent", "sh:EqualsConstraintComponent"}


# -- the report and its inputs --------------------------------------------------------------------------------

def test_pyoxigraph_quads_and_rdflib_graphs_give_the_same_report(shipped):
    data = Graph().parse(FIXTURES / "invalid" / "observation-without-unit.ttl")
    from_graphs = validate(data, shipped["shapes"], shipped["ontology"])
    from_quads = validate([ox.Quad(*map(_ox, t)) for t in data], shipped["inputs"].shapes, shipped["inputs"].ontology)
    assert from_graphs.findings and from_graphs.findings == from_quads.findings


def test_a_store_is_validated_in_place_and_left_as_it_was(shipped):
    data = Graph().parse(FIXTURES / "invalid" / "observation-without-unit.ttl")
    quads = [ox.Quad(*map(_ox, t)) for t in data] + [ox.Quad(t.subject, t.predicate, t.object) for t in shipped["inputs"].ontology]
    store = data_store(quads)
    before = sorted(map(str, store))
    in_place = validate(store, shipped["inputs"].shapes, [])
    assert in_place.findings == validate(data, shipped["shapes"], shipped["ontology"]).findings
    assert sorted(map(str, store)) == before  # no scratch graph left behind


def test_findings_name_the_files_that_describe_their_focus_node(shipped):
    data = Graph().parse(FIXTURES / "invalid" / "observation-without-unit.ttl")
    focus = ID + "observation/t"
    report = validate(data, shipped["shapes"], shipped["ontology"], {focus: {"data/b.trig", "data/a.trig"}})
    finding = next(f for f in report.findings if f.focus == focus)
    assert finding.files == ("data/a.trig", "data/b.trig")
    assert finding.line() == f"Violation: data/a.trig,data/b.trig: <{focus}> cq:unit: An observation has exactly one cq:unit."
    assert (finding.component, finding.value) == ("sh:MinCountConstraintComponent", "")


# -- incremental validation -----------------------------------------------------------------------------------

PLACES_SHAPES = """
@prefix sh: <http://www.w3.org/ns/shacl#> . @prefix ex: <https://example.org/> .
ex:OrgShape a sh:NodeShape ; sh:targetClass ex:Org ;
  sh:property [ sh:path ex:locatedIn ; sh:class ex:Place ; sh:message "locatedIn points to a place"@en ] ;
  sh:sparql [ sh:message "no names ending in 2"@en ;
              sh:select "SELECT $this WHERE { $this a ?type FILTER(STRENDS(STR($this), \\"2\\")) }" ] .
"""
PLACES = """
@prefix ex: <https://example.org/> .
ex:o1 a ex:Org ; ex:locatedIn ex:p1 . ex:p1 a ex:Place .
ex:o2 a ex:Org ; ex:locatedIn ex:p2 . ex:p2 a ex:Thing .
"""


def test_focus_checks_the_touched_nodes_and_the_nodes_whose_shapes_read_them():
    shapes = Graph().parse(data=PLACES_SHAPES, format="turtle")
    data = Graph().parse(data=PLACES, format="turtle")
    full = validate(data, shapes, Graph())
    assert {(f.focus, f.component) for f in full.findings} == {
        ("https://example.org/o2", "sh:ClassConstraintComponent"), ("https://example.org/o2", "sh:SPARQLConstraintComponent")}
    from rdflib import URIRef
    data.remove((URIRef("https://example.org/p1"), RDF.type, URIRef("https://example.org/Place")))  # the edit
    after = validate(data, shapes, Graph(), focus=["https://example.org/p1"])
    assert {(f.focus, f.component) for f in after.findings} == {  # o1 reads p1's type; o2 is not revisited
        ("https://example.org/o1", "sh:ClassConstraintComponent"), ("https://example.org/o2", "sh:SPARQLConstraintComponent")}
    assert validate(data, shapes, Graph(), focus=[]).findings == [f for f in full.findings if "SPARQL" in f.component]


def test_focus_on_the_variant_finds_every_result_about_the_touched_nodes(shipped):
    _base, broken, ontology, _expected = _variant(shipped)
    data = as_graph(broken, ontology)
    full = validate(data, shipped["shapes"], shipped["ontology"])
    touched = sorted({f.focus for f in full.findings})[:5]
    partial = validate(data, shipped["shapes"], shipped["ontology"], focus=touched)
    assert set(partial.findings) <= set(full.findings)
    assert {f for f in full.findings if f.focus in touched} <= set(partial.findings)
    assert len(partial.findings) < len(full.findings)
