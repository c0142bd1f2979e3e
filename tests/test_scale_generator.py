"""The scale benchmark's generator: same arguments, same bytes; valid against the shapes; and its violation
variant breaks exactly the shapes it says, once per violation."""

from __future__ import annotations

from bench.scale.generate import generate, organisation_classes
from bench.scale.violations import KINDS
from cqkg.build.load import load_inputs
from cqkg.build.pipeline import validate_inputs
from cqkg.namespaces import CQ, DEF


def _files(root):
    return {p.relative_to(root): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_arguments_same_bytes_and_about_the_size_asked(tmp_path):
    first, second = generate(tmp_path / "a", 3_000), generate(tmp_path / "b", 3_000)
    assert _files(tmp_path / "a") == _files(tmp_path / "b")
    assert first.quads == second.quads == len(load_inputs(tmp_path / "a").data)
    assert 2_700 < first.quads < 3_300


def test_valid_project_has_every_organisation_class_and_conforms(root, tmp_path):
    generate(tmp_path, 2_000)
    data = load_inputs(tmp_path).data
    types = {q.object.value for q in data if q.predicate.value.endswith("#type")}
    assert set(organisation_classes(root / "ontology" / "cqkg.ttl")) <= types
    assert {DEF + "District", str(CQ.Sentence), "http://purl.org/linked-data/cube#Observation"} <= types
    report = validate_inputs(tmp_path)
    assert report.conforms and report.counts()["Warning"] == 0, [f.line() for f in report.findings[:5]]


def test_violation_variant_breaks_what_it_says(tmp_path):
    generated = generate(tmp_path, 2_000, violations=True, stride=3)
    assert set(generated.violations) == set(KINDS)
    expected = sorted(node for nodes in generated.violations.values() for node in nodes)
    found = sorted(f.focus for f in validate_inputs(tmp_path).violations)
    assert found == expected and len(found) == generated.violation_count()
