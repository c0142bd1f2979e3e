"""`cqkg stats` coverage: per class of organisation or place, the share of entities with each kind of fact."""

from __future__ import annotations

from cqkg import stats

ORG = "https://w3id.org/cqkg/def/Organisation"
PLACE = "https://w3id.org/cqkg/def/Place"
DEF = "https://w3id.org/cqkg/def/"


def test_coverage_rows_are_consistent(kg):
    rows = stats.coverage(kg)
    columns = [name for name, _, _ in stats.COVERAGE_COLUMNS]
    assert columns == ["ror", "wikidata", "geonames", "country", "founding_year", "coordinates", "zh_confirmed"]
    for row in rows:
        assert all(0 <= row[name] <= row["entities"] for name in columns), row
    by_class = {row["class"]: row for row in rows if not row["all"]}
    totals = {row["class"]: row for row in rows if row["all"]}
    assert set(totals) == {ORG, PLACE}
    # only classes of organisations and places, never concepts or sentences
    assert DEF + "PublicUniversity" in by_class and DEF + "District" in by_class
    assert DEF + "ResearchField" not in by_class and DEF + "Sentence" not in by_class
    # every class row is within its total
    assert by_class[DEF + "PublicUniversity"]["entities"] <= totals[ORG]["entities"]


def test_coverage_counts_match_the_data(kg):
    by_class = {row["class"]: row for row in stats.coverage(kg) if not row["all"]}
    universities = by_class[DEF + "PublicUniversity"]
    assert (universities["entities"], universities["ror"]) == (17, 14)
    assert by_class[DEF + "Municipality"]["geonames"] == 1
    # a working translation is not a confirmed Chinese name
    working = kg.select("""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {
        GRAPH <https://w3id.org/cqkg/graph/asserted> { ?e a cq:NewRDInstitution }
        ?e cq:labelStatus cq:WorkingTranslation }""")[0]["n"]
    institutions = by_class[DEF + "NewRDInstitution"]
    assert institutions["zh_confirmed"] == institutions["entities"] - working


def test_coverage_is_rendered(cli, build_dir):
    out = cli("stats", build_dir=build_dir).stdout
    assert "Coverage per class of organisation or place" in out
    header = next(line for line in out.splitlines() if line.strip().startswith("class") and "ROR" in line)
    for heading in ("ROR", "Wikidata", "GeoNames", "country", "founded", "coords", "zh conf."):
        assert heading in header
    assert any(line.strip().startswith("cq:PublicUniversity") and " 14  82%" in line for line in out.splitlines())
    assert any(line.strip().startswith("all cq:Organisation") for line in out.splitlines())
