"""``cqkg link``: streaming readers for each real dump format, scoring with evidence, near-namesakes, accept."""

from __future__ import annotations

import bz2
import csv
import gzip
import shutil
from datetime import date
from pathlib import Path

import pytest

from cqkg.link import geonames, rdf, ror, wikidata
from cqkg.link.match import Matcher, name_keys
from cqkg.link.review import accept
from cqkg.link.run import propose

FIXTURES = Path(__file__).parent / "fixtures" / "link"
ORG, PLACE = "https://w3id.org/cqkg/id/org/", "https://w3id.org/cqkg/id/place/"


@pytest.fixture(scope="module")
def matcher(kg):
    return Matcher(kg)


def proposals_for(kg, tmp_path, fixture, fmt):
    out = tmp_path / f"{fixture}.tsv"
    propose(kg, FIXTURES / fixture, fmt, out)
    with open(out, encoding="utf-8") as stream:
        return {(row["entity"], row["external"]): row for row in csv.DictReader(stream, delimiter="\t")}


def test_wikidata_reader_keeps_names_kinds_country_and_inception():
    records = {r.iri.rsplit("/", 1)[1]: r for r in wikidata.read(FIXTURES / "wikidata-extract.json")}
    assert len(records) == 8
    cqu = records["Q990000001"]
    assert ("重慶大學", "zh-hant") in cqu.names and cqu.kinds == {"university"} and cqu.country == "CN"
    assert records["Q990000007"].founded == 2011


@pytest.mark.parametrize("compress", [None, "gz", "bz2"])
def test_wikidata_dump_streams_compressed(kg, tmp_path, compress):
    source = FIXTURES / "wikidata-extract.json"
    if compress == "gz":
        path = tmp_path / "dump.json.gz"
        path.write_bytes(gzip.compress(source.read_bytes()))
    elif compress == "bz2":
        path = tmp_path / "dump.json.bz2"
        path.write_bytes(bz2.compress(source.read_bytes()))
    else:
        path = tmp_path / "dump.json"
        shutil.copy(source, path)
    assert len(list(wikidata.read(path))) == 8


def test_wikidata_matches_and_near_namesakes(kg, tmp_path):
    rows = proposals_for(kg, tmp_path, "wikidata-extract.json", "wikidata")
    wd = "http://www.wikidata.org/entity/"
    accepted = {key for key, row in rows.items() if row["accept"] == "yes"}
    assert accepted == {
        (ORG + "chongqing-university", wd + "Q990000001"),  # matched through its traditional-script name too
        (ORG + "cigit", wd + "Q990000007"),
        (ORG + "nxp", wd + "Q990000003"),
        (PLACE + "chongqing", wd + "Q990000005"),
    }
    # a university's affiliated hospital (alias = the university's name) is told apart
    assert not [k for k in rows if k[1] == wd + "Q990000002"]
    # a foreign company's Chinese subsidiary is told apart from the company
    assert not [k for k in rows if k[1] == wd + "Q990000004"]
    # a namesake university abroad is not proposed for Chongqing's
    assert not [k for k in rows if k[1] == wd + "Q990000006"]
    cigit = rows[(ORG + "cigit", wd + "Q990000007")]
    assert "founded 2011 (+10)" in cigit["evidence"] and cigit["score"] == "95"


def test_ror_dump_in_both_schemas(kg, tmp_path):
    records = {r.iri: r for r in ror.read(FIXTURES / "ror-extract.json")}
    assert records["https://ror.org/0zz000003"].kinds == {"university"}  # schema v1
    assert "Chongqing" in records["https://ror.org/0zz000001"].places  # schema v2
    rows = proposals_for(kg, tmp_path, "ror-extract.json", "ror")
    assert rows[(ORG + "chongqing-university", "https://ror.org/0zz000001")]["score"] == "100"
    assert rows[(ORG + "cqupt", "https://ror.org/0zz000003")]["accept"] == "yes"
    assert not [k for k in rows if k[1] == "https://ror.org/0zz000002"]  # the US Army Logistics University


def test_geonames_tells_the_city_from_the_municipality(kg, tmp_path):
    assert [r.iri for r in geonames.read(FIXTURES / "geonames-extract.txt")][0] == "https://sws.geonames.org/9990001/"
    rows = proposals_for(kg, tmp_path, "geonames-extract.txt", "geonames")
    city = rows[(PLACE + "chongqing", "https://sws.geonames.org/9990002/")]
    assert city["accept"] == "" and "not an administrative division" in city["evidence"]
    assert rows[(PLACE + "yuzhong-district", "https://sws.geonames.org/9990001/")]["accept"] == "yes"
    assert not [k for k in rows if k[1] == "https://sws.geonames.org/9990005/"]


def test_rdf_dump_two_passes(kg, tmp_path):
    assert len(list(rdf.read(FIXTURES / "rdf-extract.nt"))) == 3
    rows = proposals_for(kg, tmp_path, "rdf-extract.nt", "rdf")
    assert rows[(ORG + "chongqing-university", "http://example.org/org/1")]["accept"] == "yes"
    assert not [k for k in rows if k[1] == "http://example.org/org/2"]  # a hospital with the same label
    assert (ORG + "jilin-university", "http://example.org/org/3") in rows


def test_name_keys_cover_scripts_and_place_suffixes():
    assert "重庆大学" in name_keys("重慶大學", "zh-hant", False)
    keys = name_keys("渝中区", "zh", True)
    assert keys["yuzhong"] == 45 and keys["渝中区"] == 60
    assert name_keys("Yuzhong District", "en", True)["yuzhong"] == 45


def test_accept_writes_links_and_never_replaces_a_curated_one(kg, tmp_path):
    tsv = tmp_path / "proposals.tsv"
    propose(kg, FIXTURES / "ror-extract.json", "ror", tsv)
    existing = {ORG + "chongqing-university": {"https://ror.org/023rhb549"}}
    out = tmp_path / "ror-accepted.trig"
    written, problems = accept(tsv, out, existing, today=date(2026, 11, 25))
    assert written == 1
    assert any("chongqing-university" in p and "never replaced" in p for p in problems)
    text = out.read_text(encoding="utf-8")
    assert f"<{ORG}cqupt> skos:exactMatch <https://ror.org/0zz000003> ." in text
    assert "chongqing-university>" not in text.split("links/ror-accepted> {")[1]
    import pyoxigraph
    quads = list(pyoxigraph.parse(path=str(out), format=pyoxigraph.RdfFormat.TRIG))
    assert {q.graph_name.value for q in quads} == {"https://w3id.org/cqkg/graph/curated",
                                                   "https://w3id.org/cqkg/graph/links/ror-accepted"}


def test_cli_link_and_accept(cli, build_dir, tmp_path):
    tsv = tmp_path / "wd.tsv"
    result = cli("link", str(FIXTURES / "wikidata-extract.json"), "--out", str(tsv), build_dir=build_dir)
    assert result.returncode == 0 and "8 records" in result.stderr and "4 at or above 80" in result.stderr
    out = tmp_path / "wd.trig"
    accepted = cli("link", "accept", str(tsv), "--out", str(out), build_dir=build_dir)
    # refused, as curated links are never replaced: the fixture's "Chongqing" item (the municipality
    # has its QID in links/wikidata-places.trig) and its invented items for Chongqing University and NXP
    # (which have theirs from their ROR records); the one other is written.
    assert accepted.returncode == 0 and "1 links written" in accepted.stdout
    assert accepted.stderr.count("a curated link is never replaced") + accepted.stdout.count("never replaced") >= 3
    missing = cli("link", str(tmp_path / "nope.json"), build_dir=build_dir)
    assert missing.returncode == 2 and "no such dump" in missing.stderr
