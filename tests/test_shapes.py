"""The SHACL shapes: the shipped data conforms, and each negative fixture fires the constraint it targets.

Each file in fixtures/invalid/ starts with ``# expect: SEVERITY | FOCUS | PATH | MESSAGE FRAGMENT``
(PATH ``-`` for node-level constraints).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import Graph

from cqkg.build.pipeline import validate_inputs
from cqkg.build.validate import validate

FIXTURES = Path(__file__).parent / "fixtures"
INVALID = sorted((FIXTURES / "invalid").glob("*.ttl"))


@pytest.fixture(scope="module")
def shapes_and_ontology(root):
    return Graph().parse(root / "ontology" / "shapes.ttl"), Graph().parse(root / "ontology" / "cqkg.ttl")


def _expectation(path: Path):
    first = path.read_text(encoding="utf-8").splitlines()[0]
    assert first.startswith("# expect: "), f"{path.name} lacks its '# expect:' line"
    severity, focus, prop, fragment = (part.strip() for part in first[len("# expect: "):].split("|"))
    return severity, focus, prop, fragment


def test_shipped_data_conforms(root):
    report = validate_inputs(root)
    assert report.violations == [], "\n".join(f.line() for f in report.violations)


def test_shipped_data_has_only_the_known_warnings(root):
    report = validate_inputs(root)
    warned = sorted(f.focus.rsplit("/", 1)[1] for f in report.findings if f.severity == "Warning")
    assert warned == ["army-logistics-academy", "army-medical-university"]


def test_fixture_scaffolding_is_valid(shapes_and_ontology):
    shapes, ontology = shapes_and_ontology
    report = validate(Graph().parse(FIXTURES / "valid" / "minimal.ttl"), shapes, ontology)
    assert report.findings == [], "\n".join(f.line() for f in report.findings)


@pytest.mark.parametrize("fixture", INVALID, ids=[p.stem for p in INVALID])
def test_negative_fixture_fires_its_constraint(fixture, shapes_and_ontology):
    shapes, ontology = shapes_and_ontology
    severity, focus, prop, fragment = _expectation(fixture)
    report = validate(Graph().parse(fixture), shapes, ontology)
    matching = [f for f in report.findings
                if f.severity == severity and f.focus == focus and fragment in f.message
                and (prop == "-" or f.path == prop)]
    assert matching, f"{fixture.name}: expected {severity} on {focus} {prop} '{fragment}', got:\n" + \
        "\n".join(f.line() for f in report.findings)


def test_every_kind_of_constraint_has_a_negative_fixture():
    kinds = {p.stem for p in INVALID}
    for kind in ("missing-zh-label", "missing-provenance", "bad-division-code", "implausible-founding-year",
                 "negative-count", "bad-wikidata-id", "bad-ror-id", "bad-geonames-id", "place-linked-to-ror",
                 "observation-without-unit", "duplicate-english-label", "university-without-district",
                 "event-linked-to-geonames", "geometry-outside-china", "successor-without-end-date",
                 "geometry-not-a-point", "geometry-two-points", "geometry-off-the-globe",
                 "chinese-point-outside-china", "country-not-a-country"):
        assert kind in kinds


def test_every_class_of_the_ontology_is_covered_by_a_shape(root, shapes_and_ontology):
    from rdflib import URIRef
    from rdflib.namespace import OWL, RDF, RDFS

    from cqkg.namespaces import DEF
    shapes, ontology = shapes_and_ontology
    targeted = set(shapes.objects(None, URIRef("http://www.w3.org/ns/shacl#targetClass")))
    classes = {c for c in ontology.subjects(RDF.type, OWL.Class) if str(c).startswith(DEF)}
    uncovered = [c for c in classes
                 if not any(a in targeted for a in ontology.transitive_objects(c, RDFS.subClassOf))]
    assert not uncovered, f"classes no shape targets, directly or through a superclass: {sorted(uncovered)}"
