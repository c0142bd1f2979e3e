"""`cqkg import ror`: facts from ROR records with provenance, curated facts kept, bad input in one line.

The records in fixtures/ror/ are authored for these tests in ROR's v2 (and v1) shape.
"""

from __future__ import annotations

from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox
import pytest

from cqkg.cli import main
from cqkg.errors import CqkgError
from cqkg.link import ror_import
from cqkg.build.load import parse_text

RECORDS = Path(__file__).parent / "fixtures" / "ror"
ORG = "https://w3id.org/cqkg/id/org/"
COMMIT = "0123456789abcdef0123456789abcdef01234567"
READ_AT = datetime(2026, 11, 29, 12, 0, tzinfo=timezone.utc)

DATA = """
@prefix cq: <https://w3id.org/cqkg/def/> .
@prefix cqorg: <https://w3id.org/cqkg/id/org/> .
@prefix cqplace: <https://w3id.org/cqkg/id/place/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
<https://w3id.org/cqkg/graph/curated> {
cqplace:china a cq:Country ; skos:notation "CN" .
cqplace:germany a cq:Country ; skos:notation "DE" .
cqorg:exu a cq:PublicUniversity ; rdfs:label "Example University"@en , "示例大学"@zh .
cqorg:exco a cq:ForeignEnterprise ; rdfs:label "Example"@en , "示例公司"@zh .
cqorg:exi a cq:ResearchInstitute ; rdfs:label "Example Institute"@en , "示例研究所"@zh .
}
"""
EXTRA = ""


def _mapping(tmp_path: Path, rows: list[tuple[str, str]], extra: str = "") -> Path:
    path = tmp_path / "ror-mapping.tsv"
    lines = ["# test mapping", "cqkg_iri\tror_id\tverified_on\tnote\texclude_names"]
    lines += [f"{ORG}{slug}\t{ror_id}\t2026-11-29\ttest\t{extra if slug == 'exu' else ''}" for slug, ror_id in rows]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _existing(extra: str = "") -> ror_import.Existing:
    text = DATA.replace("}\n", extra + "\n}\n", 1) if extra else DATA
    return ror_import.Existing.from_quads(parse_text(text, ox.RdfFormat.TRIG))


def _import(tmp_path, rows, extra_data: str = "", exclude: str = ""):
    mapping = _mapping(tmp_path, rows, exclude)
    records = ror_import.read_records([RECORDS])
    return ror_import.build(ror_import.read_mapping(mapping), records, _existing(extra_data),
                            mapping_path=mapping, commit=COMMIT, read_at=READ_AT)


def _quads(text: str) -> set[tuple[str, str, str, str]]:
    return {(q.subject.value, q.predicate.value, str(q.object) if isinstance(q.object, ox.Literal) else q.object.value,
             q.graph_name.value) for q in parse_text(text, ox.RdfFormat.TRIG)}


def test_imports_links_facts_and_provenance_from_a_v2_record(tmp_path):
    result = _import(tmp_path, [("exu", "0abcde123")])
    quads = _quads(result.text)
    curated = "https://w3id.org/cqkg/graph/curated"
    exu = ORG + "exu"
    assert (exu, "http://www.w3.org/2004/02/skos/core#exactMatch", "https://ror.org/0abcde123",
            "https://w3id.org/cqkg/graph/links/ror") in quads
    assert (exu, "http://www.w3.org/2004/02/skos/core#exactMatch", "http://www.wikidata.org/entity/Q111",
            "https://w3id.org/cqkg/graph/links/wikidata") in quads
    assert (exu, "https://w3id.org/cqkg/def/country", "https://w3id.org/cqkg/id/place/china", curated) in quads
    # the latest release wins: v9.1 says 1929, v9.0 said 1900
    assert (exu, "https://w3id.org/cqkg/def/foundingYear",
            '"1929"^^<http://www.w3.org/2001/XMLSchema#gYear>', curated) in quads
    alt = {o for s, p, o, g in quads if s == exu and p.endswith("altLabel")}
    assert alt == {'"EXU"@en', '"示例学院"@zh'}  # labels already stated are not repeated; pinyin without lang skipped
    assert any("Shìlì Dàxué" in note for note in result.notes)
    geometry = "https://w3id.org/cqkg/id/geometry/org-exu"
    assert (exu, "http://www.opengis.net/ont/geosparql#hasGeometry", geometry, curated) in quads
    assert (geometry, "http://www.opengis.net/ont/geosparql#asWKT",
            '"POINT(106.55771 29.56026)"^^<http://www.opengis.net/ont/geosparql#wktLiteral>', curated) in quads
    record_file = f"https://github.com/ror-community/ror-records/blob/{COMMIT}/v9.1/0abcde123.json"
    sources = {o for s, p, o, g in quads if s == exu and p == "http://purl.org/dc/terms/source"}
    assert sources == {"https://ror.org/0abcde123", record_file}
    assert (record_file, "http://www.w3.org/ns/prov#generatedAtTime",
            '"2026-11-29T12:00:00Z"^^<http://www.w3.org/2001/XMLSchema#dateTime>', curated) in quads
    assert (record_file, "http://purl.org/dc/terms/isVersionOf", "https://ror.org/0abcde123", curated) in quads
    assert result.conflicts == []


def test_reads_v1_records_and_skips_ambiguous_wikidata_and_display_names(tmp_path):
    result = _import(tmp_path, [("exi", "0mnpqr789"), ("exco", "0fghjk456")])
    quads = _quads(result.text)
    exi, exco = ORG + "exi", ORG + "exco"
    assert (exi, "https://w3id.org/cqkg/def/foundingYear", '"1956"^^<http://www.w3.org/2001/XMLSchema#gYear>',
            "https://w3id.org/cqkg/graph/curated") in quads
    assert {o for s, p, o, g in quads if s == exi and p.endswith("altLabel")} == {'"Institute of Examples"@en', '"EXI"@en'}
    assert (exi, "http://www.w3.org/2004/02/skos/core#exactMatch", "http://www.wikidata.org/entity/Q444",
            "https://w3id.org/cqkg/graph/links/wikidata") in quads
    # two Wikidata items and no preferred one: no Wikidata link, a note
    assert not any(s == exco and o.startswith("http://www.wikidata.org/") for s, p, o, g in quads)
    assert any("Q222" in note for note in result.notes)
    # "Example (Germany)" is ROR's display name, not a name of the company
    assert {o for s, p, o, g in quads if s == exco and p.endswith("altLabel")} == {'"Example GmbH"@de'}
    assert (exco, "https://w3id.org/cqkg/def/country", "https://w3id.org/cqkg/id/place/germany",
            "https://w3id.org/cqkg/graph/curated") in quads


def test_never_overwrites_a_curated_fact_silently(tmp_path):
    curated = """
cqorg:exu cq:foundingYear "1950"^^xsd:gYear ; cq:country cqplace:germany ;
    skos:exactMatch <http://www.wikidata.org/entity/Q999> .
"""
    result = _import(tmp_path, [("exu", "0abcde123")], extra_data=curated)
    quads = _quads(result.text)
    exu = ORG + "exu"
    assert not any(s == exu and p.endswith("foundingYear") for s, p, o, g in quads)
    assert not any(s == exu and p.endswith("/country") for s, p, o, g in quads)
    assert not any(s == exu and o == "http://www.wikidata.org/entity/Q111" for s, p, o, g in quads)
    assert len(result.conflicts) == 3
    assert any("founding year 1950" in c and "1929" in c and "kept the curated year" in c for c in result.conflicts)
    assert any("country" in c and "kept the curated country" in c for c in result.conflicts)
    assert any("Q999" in c for c in result.conflicts)
    # a fact the data already states with the same value is not repeated and is no conflict
    same = _import(tmp_path, [("exu", "0abcde123")], extra_data='cqorg:exu cq:foundingYear "1929"^^xsd:gYear .')
    assert same.conflicts == []
    assert "foundingYear" not in same.text.split("<https://w3id.org/cqkg/id/org/exu>")[1].split(" .\n")[0]


def test_an_organisation_linked_to_another_ror_record_is_left_alone(tmp_path):
    result = _import(tmp_path, [("exu", "0abcde123")],
                     extra_data="cqorg:exu skos:exactMatch <https://ror.org/0mnpqr789> .")
    assert result.organisations == 0
    assert "ror.org/0abcde123>" not in result.text.split("graph/links/ror> {")[1]
    assert any("already linked" in c for c in result.conflicts)


def test_excluded_names_are_not_imported(tmp_path):
    result = _import(tmp_path, [("exu", "0abcde123")], exclude="示例学院")
    assert "示例学院" not in result.text


@pytest.mark.parametrize("content, reason", [
    ("{not json", "not JSON"),
    ('{"id": "https://example.org/x"}', "not a ROR record"),
    ('{"id": "https://ror.org/0abcde123", "names": [{"value": "X", "types": ["label"]}], "status": "active"}',
     "no ror_display name"),
    ('{"id": "https://ror.org/0abcde123", "status": "active", "established": "1929", '
     '"names": [{"value": "X", "types": ["ror_display"]}]}', "established is not a year"),
])
def test_a_bad_record_is_one_line_with_file_and_reason_and_exit_2(tmp_path, capsys, root, content, reason):
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    mapping = _mapping(tmp_path, [("exu", "0abcde123")])
    code = main(["--root", str(root), "import", "ror", str(bad), "--mapping", str(mapping)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2
    assert len(err) == 1 and str(bad) in err[0] and reason in err[0] and "Traceback" not in err[0]


@pytest.mark.parametrize("row, reason", [
    ("https://example.org/x\t0abcde123\t2026-11-29\tn\t", "not a cqkg organisation IRI"),
    (f"{ORG}exu\t0abcde12\t2026-11-29\tn\t", "not a ROR ID"),
    (f"{ORG}exu\t0abcde123\tyesterday\tn\t", "verified_on"),
])
def test_a_bad_mapping_row_names_its_line(tmp_path, capsys, root, row, reason):
    mapping = tmp_path / "m.tsv"
    mapping.write_text("cqkg_iri\tror_id\tverified_on\tnote\texclude_names\n" + row + "\n", encoding="utf-8")
    code = main(["--root", str(root), "import", "ror", str(RECORDS), "--mapping", str(mapping)])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and f"{mapping}:2:" in err[0] and reason in err[0]


def test_a_mapped_organisation_unknown_to_the_data_is_an_error(tmp_path):
    mapping = _mapping(tmp_path, [("nobody", "0abcde123")])
    with pytest.raises(CqkgError, match="not an organisation of the data"):
        ror_import.build(ror_import.read_mapping(mapping), ror_import.read_records([RECORDS]), _existing(),
                         mapping_path=mapping)


def test_the_committed_import_is_what_the_importer_writes_from_the_mapping(root):
    """The generated file cites the mapping's records, and every mapped organisation has its ROR link."""
    text = (root / "data" / "links" / "ror-imported.trig").read_text(encoding="utf-8")
    mapping = ror_import.read_mapping(root / "data" / "links" / "ror-mapping.tsv")
    links = text.split("graph/links/ror> {")[1]
    for row in mapping:
        assert f"<{row.iri}> skos:exactMatch <https://ror.org/{row.ror_id}> ." in links


def test_geometry_is_named_after_the_preferred_labels_and_not_repeated(tmp_path):
    result = _import(tmp_path, [("exu", "0abcde123")], extra_data='cqorg:exu skos:altLabel "AAA"@en , "甲"@zh .')
    assert "Location of Example University (ROR: Chongqing)" in result.text and "示例大学的位置" in result.text
    again = _import(tmp_path, [("exu", "0abcde123")],
                    extra_data="cqorg:exu <http://www.opengis.net/ont/geosparql#hasGeometry> "
                               "<https://w3id.org/cqkg/id/geometry/org-exu> .")
    assert again.conflicts == [] and "geo:asWKT" not in again.text
    other = _import(tmp_path, [("exu", "0abcde123")],
                    extra_data="cqorg:exu <http://www.opengis.net/ont/geosparql#hasGeometry> "
                               "<https://w3id.org/cqkg/id/geometry/hand-made> .")
    assert "geo:asWKT" not in other.text and any("already has a geometry" in c for c in other.conflicts)


def test_only_the_mapped_records_of_a_folder_are_read():
    assert set(ror_import.read_records([RECORDS], {"0mnpqr789"})) == {"0mnpqr789"}
    assert set(ror_import.read_records([RECORDS])) == {"0abcde123", "0fghjk456", "0mnpqr789"}
