"""The ontology: its header, bilingual labels and definitions, and no undeclared cq: term anywhere."""

from __future__ import annotations

import re

from rdflib import Graph, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, RDF, RDFS, SKOS, XSD

from cqkg.namespaces import CQ, DEF

ONTOLOGY = URIRef(DEF)


def _ontology(root) -> Graph:
    return Graph().parse(root / "ontology" / "cqkg.ttl")


def _own_terms(graph: Graph) -> set[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return {s for kind in kinds for s in graph.subjects(RDF.type, kind) if str(s).startswith(DEF)}


def test_header_has_version_licence_creators_and_dates(root):
    graph = _ontology(root)
    assert (ONTOLOGY, RDF.type, OWL.Ontology) in graph
    assert graph.value(ONTOLOGY, OWL.versionIRI) is not None
    assert graph.value(ONTOLOGY, DCTERMS.license) is not None
    assert graph.value(ONTOLOGY, DCTERMS.creator) is not None
    for prop in (DCTERMS.issued, DCTERMS.modified):
        value = graph.value(ONTOLOGY, prop)
        assert isinstance(value, Literal) and value.datatype == XSD.date, f"{prop} must be an xsd:date"


def test_every_own_term_has_en_and_zh_label_and_definition(root):
    graph = _ontology(root)
    terms = _own_terms(graph)
    assert len(terms) > 100
    problems = []
    for term in sorted(terms):
        for prop in (RDFS.label, SKOS.definition):
            languages = {o.language for o in graph.objects(term, prop) if isinstance(o, Literal)}
            if not {"en", "zh"} <= languages:
                problems.append(f"{term} lacks {prop} in {sorted({'en', 'zh'} - languages)}")
    assert not problems, "\n".join(problems)


def test_every_cq_term_used_anywhere_is_declared(root):
    declared = {str(s) for s in _ontology(root).subjects()}
    used = set()
    files = [root / "ontology" / "shapes.ttl", *sorted((root / "data").rglob("*.trig")), *sorted((root / "queries").rglob("*.rq"))]
    for path in files:
        used |= {m for m in re.findall(r"\bcq:([A-Za-z][A-Za-z0-9]*)", path.read_text(encoding="utf-8"))}
    undeclared = sorted(name for name in used if DEF + name not in declared)
    assert not undeclared, f"cq: terms used but not declared in ontology/cqkg.ttl: {undeclared}"


def test_classes_and_properties_reuse_standard_vocabularies(root):
    graph = _ontology(root)
    external = [o for o in graph.objects(None, RDFS.subClassOf) if not str(o).startswith(DEF)]
    external += [o for o in graph.objects(None, RDFS.subPropertyOf) if not str(o).startswith(DEF)]
    namespaces = {str(o).rsplit("#", 1)[0] if "#" in str(o) else str(o).rsplit("/", 1)[0] for o in external}
    for expected in ("http://www.w3.org/ns/org", "https://schema.org", "http://www.w3.org/ns/prov",
                     "http://www.opengis.net/ont/geosparql", "http://www.w3.org/2004/02/skos/core"):
        assert expected in namespaces, f"no own term specialises {expected}"


def test_closed_namespace_rejects_a_misspelt_term():
    import pytest
    assert str(CQ.Sentence) == DEF + "Sentence"
    with pytest.raises(AttributeError):
        CQ.Sentense  # noqa: B018 — the typo is the point
