"""The R&D series (data/statistics-series.trig): every observation cites the page it was
read from and says what kind of page it is; the series claimed complete have every year;
the figures are the ones printed; the source's own figures are untouched beside them."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

SERIES = "https://w3id.org/cqkg/id/dataset/rd-series"
OBS = "https://w3id.org/cqkg/id/observation/"
FILE = Path(__file__).resolve().parent.parent / "data" / "statistics-series.trig"

# (observation slug, value, unit) — each as printed on the page cited, in the unit printed
FIGURES = [
    ("china-rd-expenditure-2012", 10298.4, "HundredMillionYuan"),
    ("china-rd-intensity-2012", 1.98, "Percent"),
    ("china-rd-expenditure-2016", 15676.7, "HundredMillionYuan"),
    ("china-rd-intensity-2018", 2.19, "Percent"),
    ("china-rd-expenditure-2024", 36326.8, "HundredMillionYuan"),
    ("china-rd-intensity-2024", 2.69, "Percent"),
    ("chongqing-rd-expenditure-2020", 526.79, "HundredMillionYuan"),
    ("chongqing-rd-intensity-2020", 2.11, "Percent"),
    ("chongqing-rd-expenditure-2021", 603.8, "HundredMillionYuan"),
    ("chongqing-rd-expenditure-2022", 686.6, "HundredMillionYuan"),
    ("chongqing-rd-intensity-2022", 2.36, "Percent"),
    ("chongqing-rd-intensity-2018", 2.01, "Percent"),
    ("chongqing-hitech-enterprises-2018", 2504, "Count"),
    ("chongqing-hitech-enterprises-2021", 5108, "Count"),
    ("chongqing-hitech-enterprises-2022", 6348, "Count"),
    ("china-hitech-enterprises-2019", 225000, "Count"),
    ("china-hitech-enterprises-2021", 330000, "Count"),
    ("china-invention-patents-per-10000-people-2016", 8.0, "PatentsPer10000People"),
    ("china-invention-patents-per-10000-people-2020", 15.8, "PatentsPer10000People"),
    ("china-high-value-invention-patents-per-10000-people-2022", 9.4, "PatentsPer10000People"),
    ("china-invention-patents-per-10000-people-2013", 4.02, "PatentsPer10000People"),
    ("china-invention-patents-per-10000-people-2019", 13.3, "PatentsPer10000People"),
    ("china-high-value-invention-patents-per-10000-people-2024", 14, "PatentsPer10000People"),
]

# (indicator slug, area slug, first year, last year): the series claimed complete
COMPLETE = [
    ("rd-expenditure", "china", 2012, 2024),
    ("rd-intensity", "china", 2012, 2024),
]


def _series(kg):
    return kg.select(f"""
        SELECT ?obs ?ind ?area ?period ?value ?unit ?bound ?basis ?kind ?page ?citation ?note WHERE {{
            ?obs qb:dataSet <{SERIES}> ; cq:indicator ?ind ; sdmx-dimension:refArea ?area ;
                 sdmx-dimension:refPeriod ?period ; sdmx-measure:obsValue ?value ; cq:unit ?unit ;
                 cq:valueBound ?bound ; cq:periodBasis ?basis .
            OPTIONAL {{ ?obs cq:sourceKind ?kind }}
            OPTIONAL {{ ?obs dcterms:source ?page }}
            OPTIONAL {{ ?obs dcterms:bibliographicCitation ?citation }}
            OPTIONAL {{ ?obs skos:note ?note FILTER(LANG(?note) = "zh") }}
        }}""")


def test_every_observation_cites_one_page_its_kind_and_what_it_reproduces(kg):
    rows = _series(kg)
    assert len(rows) == 48
    assert len({r["obs"] for r in rows}) == len(rows), "one page, one note per observation"
    for r in rows:
        assert r["page"] and re.match(r"^https?://", r["page"]), r["obs"]
        assert r["kind"].rsplit("/", 1)[1] in {"OfficialPage", "NewsReport", "Repost"}, r["obs"]
        if not r["kind"].endswith("/OfficialPage"):
            assert r["citation"], f"{r['obs']} is a {r['kind']} but names no publication"
        assert r["note"] and r["note"].startswith("印出："), r["obs"]
        assert r["basis"].endswith("/StatedPeriod")


def test_printed_figure_is_in_the_note(kg):
    """The value is the figure printed: the note quotes it, in the unit printed."""
    for r in _series(kg):
        printed = r["note"]
        if r["bound"].endswith("/ApproximateValue") and r["unit"].endswith("/Count"):
            assert f"{r['value'] / 10000:g}万家" in printed, f"{r['obs']}: {r['value']} not printed in 万 in {printed!r}"
            continue
        number = f"{r['value']}"
        candidates = {number, number.rstrip("0").rstrip(".") if "." in number else number, f"{r['value']:.2f}"}
        assert any(c in printed for c in candidates), f"{r['obs']}: {r['value']} not in {printed!r}"


@pytest.mark.parametrize("indicator,area,first,last", COMPLETE, ids=[f"{c[1]}-{c[0]}" for c in COMPLETE])
def test_series_claimed_complete_has_every_year(kg, indicator, area, first, last):
    rows = kg.select(f"""
        SELECT ?period WHERE {{
            ?obs qb:dataSet <{SERIES}> ; cq:indicator <https://w3id.org/cqkg/id/indicator/{indicator}> ;
                 sdmx-dimension:refArea <https://w3id.org/cqkg/id/place/{area}> ; sdmx-dimension:refPeriod ?period .
        }}""")
    years = sorted(int(str(r["period"])[:4]) for r in rows)
    assert years == list(range(first, last + 1))


@pytest.mark.parametrize("slug,value,unit", FIGURES, ids=[f[0] for f in FIGURES])
def test_figure(kg, slug, value, unit):
    rows = kg.select(f"SELECT ?value ?unit WHERE {{ <{OBS}{slug}> sdmx-measure:obsValue ?value ; cq:unit ?unit }}")
    assert len(rows) == 1
    assert rows[0]["value"] == pytest.approx(value)
    assert rows[0]["unit"].endswith("/def/" + unit)


def test_series_uses_the_source_indicators_where_they_fit(kg):
    rows = kg.select(f"SELECT DISTINCT ?ind WHERE {{ ?o qb:dataSet <{SERIES}> ; cq:indicator ?ind }}")
    used = {r["ind"].rsplit("/", 1)[1] for r in rows}
    assert used == {"rd-expenditure", "rd-intensity", "effective-invention-patents-per-10000-people",
                    "high-value-invention-patents-per-10000-people", "hitech-enterprises"}
    # the added indicators have both labels and belong to the indicator scheme
    for slug in ("rd-intensity", "high-value-invention-patents-per-10000-people"):
        [row] = kg.select(f"""SELECT (COUNT(DISTINCT LANG(?l)) AS ?n) WHERE {{
            <https://w3id.org/cqkg/id/indicator/{slug}> rdfs:label ?l ;
                skos:inScheme <https://w3id.org/cqkg/id/scheme/indicators> }}""")
        assert row["n"] == 2


def test_areas_are_chongqing_and_china_a_country(kg):
    rows = kg.select(f"SELECT DISTINCT ?area WHERE {{ ?o qb:dataSet <{SERIES}> ; sdmx-dimension:refArea ?area }}")
    assert {r["area"].rsplit("/", 1)[1] for r in rows} == {"chongqing", "china"}
    labels = kg.select("""SELECT ?l WHERE { <https://w3id.org/cqkg/id/place/china> a cq:Country ; rdfs:label ?l }""")
    assert sorted(r["l"] for r in labels) == ["China", "中国"]


def test_the_source_figure_stays_beside_a_later_one(kg):
    """Hi-tech enterprises in Chongqing, 2018: the source's 2012 stays in its sentence graph;
    the later 2504 is a curated observation with its own page."""
    rows = kg.select("""
        SELECT ?obs ?value ?sentence ?page WHERE {
            ?obs cq:indicator <https://w3id.org/cqkg/id/indicator/hitech-enterprises> ;
                 sdmx-dimension:refArea <https://w3id.org/cqkg/id/place/chongqing> ;
                 sdmx-dimension:refPeriod ?p ; sdmx-measure:obsValue ?value .
            FILTER(STR(?p) = "2018")
            OPTIONAL { GRAPH ?sentence { ?obs a qb:Observation } ?sentence a cq:Sentence }
            OPTIONAL { ?obs dcterms:source ?page }
        } ORDER BY ?value""")
    assert [(r["value"], r["sentence"] is not None, r["page"] is not None) for r in rows] == [
        (2012, True, False), (2504, False, True)]
    assert rows[0]["sentence"].endswith("/outline-2018-s03")


def test_file_header_blocks_and_prefixes():
    text = FILE.read_text(encoding="utf-8")
    assert text.startswith("# statistics-series.trig — ")
    assert "cq:Repost" in text.split("@prefix", 1)[0], "the header says how reposts are marked"
    declared = re.findall(r"^@prefix ([\w-]*):", text, flags=re.M)
    body = text.split("<https://w3id.org/cqkg/graph/curated>", 1)[1]
    unused = [p for p in declared if not re.search(rf"(?<![\w-]){re.escape(p)}:", body)]
    assert not unused, f"prefixes declared but not used: {unused}"
    blocks = [b for b in re.split(r"\n\s*\n", body) if "a qb:Observation" in b]
    assert len(blocks) == 48 and all(b.count("a qb:Observation") == 1 for b in blocks)
