"""Releases: dumps in every format (round trip, determinism), VoID/DCAT, CSV tables, diff, and serving them."""

from __future__ import annotations

import gzip
import hashlib
import shutil
from pathlib import Path

import pytest
from rdflib import Dataset, Graph, Literal, URIRef
from rdflib.namespace import XSD

from cqkg.build.pipeline import build
from cqkg.release.diff import diff, render
from cqkg.release.dumps import FORMATS, dataset_quads, default_graph_triples, export
from cqkg.build.load import to_rdflib
from cqkg.release.folder import release
from conftest import fetch

RDFLIB_FORMATS = {"nq": "nquads", "trig": "trig", "ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml"}
CIGIT = URIRef("https://w3id.org/cqkg/id/org/cigit")


@pytest.fixture(scope="module")
def dist(build_dir, tmp_path_factory):
    """A full release of the shipped data: every format, gzipped too, VoID and CSV."""
    out = tmp_path_factory.mktemp("dist")
    release(build_dir, out)
    return out


def _rdflib_quads(path: Path, fmt: str) -> set:
    import warnings
    dataset = Dataset()
    with warnings.catch_warnings():  # rdflib's own parsers call its deprecated Dataset API
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(data=path.read_text(encoding="utf-8"), format=fmt)
        return {(s, p, o, str(g.identifier)) for g in dataset.graphs() for s, p, o in g}


def _graph_name(quad) -> str:
    """The graph of ``quad`` as rdflib names it (its own IRI for the default graph)."""
    from pyoxigraph import NamedNode
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
    return quad.graph_name.value if isinstance(quad.graph_name, NamedNode) else str(DATASET_DEFAULT_GRAPH_ID)


@pytest.mark.parametrize("extension", [f.extension for f in FORMATS])
def test_every_format_round_trips(dist, build_dir, extension):
    quads = dataset_quads(build_dir)
    loaded = _rdflib_quads(dist / f"cqkg-all.{extension}", RDFLIB_FORMATS[extension])
    if extension in ("nq", "trig"):
        expected = {(to_rdflib(q.subject), to_rdflib(q.predicate), to_rdflib(q.object), _graph_name(q)) for q in quads}
        assert loaded == expected
    else:
        expected = {(to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)) for t in default_graph_triples(quads)}
        assert {(s, p, o) for s, p, o, _g in loaded} == expected
    triples = {(s, p, o) for s, p, o, _g in loaded}
    assert (CIGIT, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("中国科学院重庆绿色智能技术研究院", lang="zh")) in triples
    assert (CIGIT, URIRef("https://w3id.org/cqkg/def/foundingYear"), Literal("2011", datatype=XSD.gYear)) in triples


def test_dataset_has_no_blank_nodes(build_dir):
    from pyoxigraph import BlankNode
    assert not [q for q in dataset_quads(build_dir) if isinstance(q.subject, BlankNode) or isinstance(q.object, BlankNode)]


def test_two_exports_are_byte_identical(dist, build_dir, tmp_path):
    again = tmp_path / "again"
    release(build_dir, again)
    names = sorted(p.relative_to(dist) for p in dist.rglob("*") if p.is_file())
    assert names == sorted(p.relative_to(again) for p in again.rglob("*") if p.is_file())
    for name in names:
        assert (dist / name).read_bytes() == (again / name).read_bytes(), f"{name} differs between two exports"


def test_gzip_dumps_hold_the_plain_dumps(dist):
    for fmt in FORMATS:
        plain = dist / f"cqkg-all.{fmt.extension}"
        assert gzip.decompress((dist / (plain.name + ".gz")).read_bytes()) == plain.read_bytes()


def test_selections(build_dir, tmp_path):
    export(build_dir, tmp_path, selections=("asserted", "inferred"), extensions=("nq",))
    asserted = (tmp_path / "cqkg-asserted.nq").read_text(encoding="utf-8")
    inferred = (tmp_path / "cqkg-inferred.nq").read_text(encoding="utf-8")
    assert "<https://w3id.org/cqkg/graph/inferred> ." not in asserted
    assert {line.rsplit(" ", 2)[-2] for line in inferred.splitlines()} == {"<https://w3id.org/cqkg/graph/inferred>"}


def test_void_describes_the_release(dist, kg):
    void = Graph().parse(dist / "void.ttl")
    dataset = URIRef("https://w3id.org/cqkg/id/dataset/cqkg")
    VOID, DCAT, SPDX = "http://rdfs.org/ns/void#", "http://www.w3.org/ns/dcat#", "http://spdx.org/rdf/terms#"
    assert str(void.value(dataset, URIRef("http://www.w3.org/2002/07/owl#versionInfo"))) == "0.1.0"
    assert str(void.value(dataset, URIRef("http://purl.org/dc/terms/license"))) == "https://creativecommons.org/licenses/by/4.0/"
    assert void.value(dataset, URIRef("http://purl.org/dc/terms/bibliographicCitation")) is not None
    assert str(void.value(dataset, URIRef(VOID + "sparqlEndpoint"))) == "https://w3id.org/cqkg/sparql"
    [count] = kg.select("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }")
    assert int(void.value(dataset, URIRef(VOID + "triples"))) == count["n"]
    districts = URIRef("https://w3id.org/cqkg/id/dataset/cqkg-class-cq-district")
    assert int(void.value(districts, URIRef(VOID + "entities"))) == 26 + 2  # 2018's and two merged away in 2011
    ror = URIRef("https://w3id.org/cqkg/id/dataset/cqkg-links-ror-exactmatch")
    assert int(void.value(ror, URIRef(VOID + "triples"))) == 29
    assert str(void.value(ror, URIRef(VOID + "objectsTarget"))) == "https://ror.org/"
    distributions = list(void.objects(dataset, URIRef(DCAT + "distribution")))
    assert len(distributions) == 2 * len(FORMATS)
    for node in distributions:
        name = str(void.value(node, URIRef(DCAT + "downloadURL"))).rsplit("/", 1)[1]
        data = (dist / name).read_bytes()
        assert int(void.value(node, URIRef(DCAT + "byteSize"))) == len(data)
        checksum = void.value(node, URIRef(SPDX + "checksum"))
        assert str(void.value(checksum, URIRef(SPDX + "checksumValue"))) == hashlib.sha256(data).hexdigest()


def test_csv_tables_read_with_pandas(dist):
    import pandas

    organisations = pandas.read_csv(dist / "csv" / "organisations.csv", dtype={"source_sentences": str})
    row = organisations[organisations["iri"] == str(CIGIT)].iloc[0]
    assert row["label_zh"] == "中国科学院重庆绿色智能技术研究院" and row["founding_year"] == 2011
    assert row["source_sentences"] == "14"
    university = organisations[organisations["iri"].str.endswith("/org/chongqing-university")].iloc[0]
    assert (university["district"], university["ror"], university["moe_code"]) == ("Shapingba District", "https://ror.org/023rhb549", 4150010611)
    places = pandas.read_csv(dist / "csv" / "places.csv", dtype={"division_code": str})
    assert places[places["label_en"] == "Yuzhong District"].iloc[0]["division_code"] == "500103"
    observations = pandas.read_csv(dist / "csv" / "observations.csv")
    assert len(observations) == 19
    patents = observations[observations["indicator"].str.endswith("/patent-licensing")].iloc[0]
    assert (patents["value"], patents["bound"], patents["sentence_number"]) == (34800, "exclusive lower bound", 2)
    assert (dist / "csv" / "README.md").read_text(encoding="utf-8").count("| `") >= 30


def test_diff_lists_added_and_removed_triples_per_graph(root, tmp_path, dist):
    project = tmp_path / "project"
    for folder in ("ontology", "data", "sources"):
        shutil.copytree(root / folder, project / folder)
    parks = project / "data" / "parks.trig"
    parks.write_text(parks.read_text(encoding="utf-8").replace(
        '"National logistics industry demonstration base in Nan\'an"@en', '"National logistics demonstration base, Nan\'an"@en'), encoding="utf-8")
    build(project, tmp_path / "build")
    release(tmp_path / "build", tmp_path / "new")
    changes = {c.graph: c for c in diff(dist, tmp_path / "new")}
    stated = changes["https://w3id.org/cqkg/id/source/outline-2018-s21"]
    assert [t for t in stated.added if "National logistics demonstration base" in t]
    assert [t for t in stated.removed if "National logistics industry demonstration base in Nan'an" in t]
    assert "https://w3id.org/cqkg/graph/asserted" in changes
    text = render(list(changes.values()))
    assert "outline-2018-s21>: +1 -1" in text
    assert render(diff(dist, dist)) == "no change\n"


def test_citation_file_names_the_release(root):
    citation = (root / "CITATION.cff").read_text(encoding="utf-8")
    assert "cff-version: 1.2.0" in citation and 'version: "0.1.0"' in citation
    assert "CC-BY-4.0" in citation and "CHANGELOG.md" != ""
    assert "## 0.1.0" in (root / "CHANGELOG.md").read_text(encoding="utf-8")


def test_server_serves_void_and_dumps(server):
    void = fetch(server.base + "/.well-known/void")
    assert void.status == 200 and void.headers["Content-Type"].startswith("text/turtle")
    assert b"void:sparqlEndpoint" in void.body
    listing = fetch(server.base + "/dumps/").json()
    assert "cqkg-all.nq.gz" in {d["name"] for d in listing["dumps"]}
    dump = fetch(server.base + "/dumps/cqkg-all.ttl")
    assert dump.status == 200 and dump.headers["Content-Type"].startswith("text/turtle")
    assert int(dump.headers["Content-Length"]) == len(dump.body) and dump.headers["ETag"]
    partial = fetch(server.base + "/dumps/cqkg-all.ttl", headers={"Range": "bytes=0-99"})
    assert partial.status == 206 and partial.body == dump.body[:100]
    assert partial.headers["Content-Range"] == f"bytes 0-99/{len(dump.body)}"
    unchanged = fetch(server.base + "/dumps/cqkg-all.ttl", headers={"If-None-Match": dump.headers["ETag"]})
    assert unchanged.status == 304
    gz = fetch(server.base + "/dumps/cqkg-all.nq.gz")
    assert gz.headers["Content-Type"] == "application/gzip" and "Content-Encoding" not in gz.headers
    assert fetch(server.base + "/dumps/../manifest.json").status == 404
