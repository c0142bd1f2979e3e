"""The build pipeline: named graphs, caching, determinism and the quality of reasoning."""

from __future__ import annotations

import shutil

from cqkg.build.pipeline import build
from cqkg.build.manifest import DATASET, MANIFEST, read_manifest
from cqkg.namespaces import ASSERTED_GRAPH, CURATED_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, SOURCE_GRAPH


def _copy_inputs(root, target):
    for folder in ("ontology", "data", "sources"):
        shutil.copytree(root / folder, target / folder)
    return target


def test_dataset_has_the_documented_named_graphs(kg):
    graphs = set(kg.manifest["graphs"])
    assert {ONTOLOGY_GRAPH, ASSERTED_GRAPH, INFERRED_GRAPH, CURATED_GRAPH, SOURCE_GRAPH} <= graphs
    sentence_graphs = [g for g in graphs if "/id/source/outline-2018-s" in g]
    assert len(sentence_graphs) == 33


def test_default_graph_is_ontology_asserted_and_inferred(kg):
    # An ontology triple, an asserted triple and an inferred triple are all visible without GRAPH.
    assert bool(kg.query("ASK { cq:Organisation rdfs:subClassOf org:Organization }"))
    assert bool(kg.query("ASK { cqorg:cigit a cq:CASInstitute }"))
    assert bool(kg.query("ASK { cqorg:cigit a cq:ResearchOrganisation }"))
    assert not bool(kg.query("ASK { GRAPH <https://w3id.org/cqkg/graph/asserted> { cqorg:cigit a cq:ResearchOrganisation } }"))


def test_second_build_is_cached_and_a_changed_input_rebuilds(root, tmp_path):
    project = _copy_inputs(root, tmp_path / "project")
    out = tmp_path / "build"
    first = build(project, out)
    assert not first.cached
    assert build(project, out).cached
    data_file = project / "data" / "parks.trig"
    data_file.write_text(data_file.read_text(encoding="utf-8") + "\n# a comment changes the fingerprint\n", encoding="utf-8")
    third = build(project, out)
    assert not third.cached
    assert third.manifest["fingerprint"] != first.manifest["fingerprint"]


def test_two_builds_of_the_same_input_are_byte_identical(build_dir, root, tmp_path):
    again = tmp_path / "again"
    build(root, again, force=True)
    assert (again / DATASET).read_bytes() == (build_dir / DATASET).read_bytes()


def test_manifest_records_counts_and_timings(build_dir):
    manifest = read_manifest(build_dir)
    assert manifest["quads"] == sum(manifest["graphs"].values()) + manifest["default_graph_triples"] > 5000
    assert manifest["validation"]["Violation"] == 0
    assert set(manifest["timings"]) >= {"load_s", "validate_s", "reason_s", "write_s", "total_s"}
    assert (build_dir / MANIFEST).exists()


def test_reasoning_adds_no_noise(kg):
    noisy = kg.select("""
        SELECT ?s ?p ?o WHERE {
            GRAPH <https://w3id.org/cqkg/graph/inferred> { ?s ?p ?o }
            FILTER((?p = owl:sameAs) || (?p = rdf:type && ?o IN (owl:Thing, rdfs:Resource, owl:Class, rdfs:Datatype))
                   || isLiteral(?s) || isBlank(?s) || ((?p = rdfs:subClassOf || ?p = rdfs:subPropertyOf) && ?s = ?o))
        } LIMIT 5""")
    assert noisy == []


def test_reasoning_adds_no_duplicate_literals(kg):
    duplicates = kg.select("""
        SELECT ?s ?p ?a ?b WHERE {
            ?s ?p ?a , ?b .
            FILTER(isLiteral(?a) && isLiteral(?b) && STR(?a) = STR(?b) && ?a != ?b && LANG(?a) = LANG(?b))
        } LIMIT 5""")
    assert duplicates == []


def test_inferred_graph_holds_only_new_triples(kg):
    rows = kg.select("""
        SELECT (COUNT(*) AS ?n) WHERE {
            GRAPH <https://w3id.org/cqkg/graph/inferred> { ?s ?p ?o }
            GRAPH <https://w3id.org/cqkg/graph/asserted> { ?s ?p ?o }
        }""")
    assert rows[0]["n"] == 0


def test_reasoning_follows_the_ontology(kg):
    # subclass: a public university is a research organisation
    assert bool(kg.query("ASK { cqorg:chongqing-university a cq:ResearchOrganisation }"))
    # transitivity: base → district → Chongqing
    assert bool(kg.query("ASK { cqpark:yongchuan-robot-industry-demonstration-base cq:locatedIn cqplace:chongqing }"))
    # subproperty: settled in ⇒ located in
    assert bool(kg.query("ASK { cqorg:cigit cq:locatedIn cqplace:chongqing }"))
    # inverse: has sub-organisation
    assert bool(kg.query("ASK { cqorg:cas org:hasSubOrganization cqorg:cigit }"))
    # symmetric: partner of, both ways
    assert bool(kg.query("ASK { cqorg:hit cq:partnerOf cqorg:hit-chongqing-research-institute }"))
    assert bool(kg.query("ASK { cqorg:hit-chongqing-research-institute cq:partnerOf cqorg:hit }"))
    # inverse of renamed from
    assert bool(kg.query("ASK { cqevent:chongqing-international-investment-and-global-purchasing-conference cq:renamedTo cqevent:western-china-international-fair }"))
    # SKOS: prefLabel is a label
    assert bool(kg.query('ASK { cqfield:big-data rdfs:label "Big data"@en }'))
