"""Every figure of the source is an observation with its value, unit, period, bound and sentence."""

from __future__ import annotations

import pytest

# (indicator slug, value, unit, period, sentence number, change rate, bound)
FIGURES = [
    ("rd-expenditure", 36.464, "BillionYuan", "2017", 1, 20.7, "ExactValue"),
    ("patent-licensing", 34800, "Count", "2017", 2, None, "ExclusiveLowerBound"),
    ("effective-invention-patents-per-10000-people", 7.25, "PatentsPer10000People", "2017", 2, 31.0, "ExactValue"),
    ("st-enterprises", 6725, "Count", "2018", 3, None, "ExactValue"),
    ("hitech-enterprises", 2012, "Count", "2018", 3, None, "ExactValue"),
    ("high-growth-enterprises", 202, "Count", "2018", 3, None, "ExactValue"),
    ("rd-organisations", 1463, "Count", "2018", 4, None, "ExactValue"),
    ("new-pattern-rd-organisations", 58, "Count", "2018", 4, None, "ExactValue"),
    ("rank-comprehensive-st-progress", 8, "RankPosition", "2017", 5, None, "ExactValue"),
    ("rank-regional-innovation-capability", 8, "RankPosition", "2017", 5, None, "ExactValue"),
    ("academicians", 16, "Count", "2018", 6, None, "ExactValue"),
    ("introduced-innovative-talents", 560, "Count", "2018", 7, None, "ExactValue"),
    ("leading-talents", 109, "Count", "2018", 8, None, "ExactValue"),
    ("mass-innovation-demonstration-teams", 212, "Count", "2018", 9, None, "ExactValue"),
    ("public-universities", 17, "Count", "2018", 18, None, "ExactValue"),
    ("private-universities", 8, "Count", "2018", 18, None, "ExactValue"),
    ("military-academies", 3, "Count", "2018", 18, None, "ExactValue"),
    ("st-innovation-parks", 34, "Count", "2018", 20, None, "ExactValue"),
    ("sessions-held", 21, "Count", "2018", 33, None, "ExactValue"),
]

QUERY = """
SELECT ?value ?unit ?period ?n ?change ?bound ?area WHERE {
    ?obs cq:indicator <https://w3id.org/cqkg/id/indicator/%s> ;
         sdmx-measure:obsValue ?value ; cq:unit ?unit ; sdmx-dimension:refPeriod ?period ;
         cq:valueBound ?bound ; sdmx-dimension:refArea ?area .
    OPTIONAL { ?obs cq:changeRate ?change }
    GRAPH ?sentence { ?obs a qb:Observation }
    ?sentence cq:sentenceNumber ?n .
}"""


@pytest.mark.parametrize("slug,value,unit,period,sentence,change,bound", FIGURES, ids=[f[0] for f in FIGURES])
def test_figure_is_an_observation_with_unit_period_and_sentence(kg, slug, value, unit, period, sentence, change, bound):
    rows = kg.select(QUERY % slug)
    assert len(rows) == 1, f"expected one observation for {slug}, found {len(rows)}"
    row = rows[0]
    assert row["value"] == pytest.approx(value)
    assert row["unit"].endswith("/def/" + unit)
    assert row["period"] == period
    assert row["n"] == sentence
    assert row["bound"].endswith("/def/" + bound)
    assert row["area"].endswith("/place/chongqing")
    assert row["change"] == (pytest.approx(change) if change is not None else None)


def test_no_figure_is_unaccounted_for(kg):
    # the source's figures are the observations stated in sentence graphs; the curated
    # R&D series (data/statistics-series.trig) is tested in test_statistics_series.py
    [row] = kg.select("SELECT (COUNT(DISTINCT ?o) AS ?n) WHERE { GRAPH ?sentence { ?o a qb:Observation } ?sentence a cq:Sentence }")
    assert row["n"] == len(FIGURES)
    [row] = kg.select("SELECT (COUNT(?o) AS ?n) WHERE { ?o qb:dataSet <https://w3id.org/cqkg/id/dataset/outline-2018-statistics> }")
    assert row["n"] == len(FIGURES)


def test_lower_bound_is_distinguishable_from_exact_values(kg):
    rows = kg.select("SELECT ?ind WHERE { ?o cq:valueBound cq:ExclusiveLowerBound ; cq:indicator ?ind }")
    assert [row["ind"].rsplit("/", 1)[1] for row in rows] == ["patent-licensing"]


def test_periods_not_stated_are_marked_as_publication_year(kg):
    rows = kg.select("SELECT ?ind ?basis WHERE { ?o qb:dataSet <https://w3id.org/cqkg/id/dataset/outline-2018-statistics> ; "
                     "cq:indicator ?ind ; cq:periodBasis ?basis ; sdmx-dimension:refPeriod ?p FILTER(STR(?p) = '2018') }")
    assert rows and all(row["basis"].endswith("PublicationYear") for row in rows)


def test_ranks_held_for_two_consecutive_years(kg):
    rows = kg.select("SELECT ?n WHERE { ?o cq:unit cq:RankPosition ; cq:consecutivePeriods ?n }")
    assert [row["n"] for row in rows] == [2, 2]
