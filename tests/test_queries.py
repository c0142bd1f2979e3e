"""Every query in queries/ gives its expected answer, in process and over HTTP; every check returns no row.

Each expectation runs twice: against the embedded store (``cqkg query``'s path) and
through the live SPARQL endpoint (SPARQL JSON over HTTP).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import fetch, sparql_json_rows

QUERIES = Path(__file__).resolve().parent.parent / "queries"


@pytest.fixture(params=["store", "http"])
def run(request, kg):
    """A function: query file name → rows of Python values, through the store or the endpoint."""
    if request.param == "store":
        return lambda name: kg.select((QUERIES / name).read_text(encoding="utf-8"))
    server = request.getfixturevalue("server")

    def over_http(name: str) -> list[dict]:
        answer = fetch(server.sparql, data=(QUERIES / name).read_bytes(),
                       headers={"Content-Type": "application/sparql-query", "Accept": "application/sparql-results+json"})
        assert answer.status == 200, answer.text
        return sparql_json_rows(answer.body)
    return over_http


def local(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


def test_every_query_has_a_title_and_description_and_a_test():
    tested = {name for name in globals() if name.startswith("test_q_")}
    for path in sorted(QUERIES.glob("*.rq")):
        header = path.read_text(encoding="utf-8").splitlines()[:2]
        assert header[0].startswith("# title: ") and header[1].startswith("# description: "), path.name
        assert "test_q_" + path.stem.replace("-", "_") in tested, f"{path.name} has no expected answer in this file"
    assert len(list(QUERIES.glob("*.rq"))) >= 15


@pytest.mark.parametrize("check", sorted((QUERIES / "checks").glob("*-violation.rq")), ids=lambda p: p.stem)
def test_check_finds_no_violation(kg, check):
    rows = kg.select(check.read_text(encoding="utf-8"))
    assert rows == [], f"{check.name} found: {rows[:5]}"


def test_q_research_organisations(run):
    orgs = {local(r["org"]) for r in run("research-organisations.rq")}
    assert len(orgs) == 58  # 48, plus 8 state key laboratories, a national engineering research centre and CAST
    assert {"cigit", "chongqing-university", "ucla", "cas", "hit-chongqing-research-institute",
            "army-medical-university", "ucas-chongqing-college", "sklmt", "chongqing-academy-of-science-and-technology"} <= orgs
    assert "continental-ag" not in orgs and "chongqing-science-and-technology-bureau" not in orgs


def test_q_located_in_chongqing(run):
    things = {local(r["thing"]) for r in run("located-in-chongqing.rq")}
    # through a district (transitivity), through Liangjiang New Area, and by settling
    assert {"yongchuan-robot-industry-demonstration-base", "nanan-logistics-industry-demonstration-base",
            "liangjiang-intelligent-manufacturing-and-robot-industry", "chongqing-university", "cigit",
            "liangjiang-new-area", "yuzhong-district", "caws-southwest-branch"} <= things
    assert "chongqing" not in things and "hungary" not in things
    # the 38 county-level divisions of 2018 and the 11 abolished between 2011 and 2016 (data/place-history.trig)
    assert len([t for t in things if t.endswith(("-district", "-county"))]) == 38 + 11


def test_q_new_rd_institution_partners(run):
    rows = run("new-rd-institution-partners.rq")
    assert {local(r["partner"]) for r in rows} == {"caws", "ict-cas", "hit", "jilin-university", "ucla", "ku-leuven"}
    assert len(rows) == 6


def test_q_foreign_rd_centres(run):
    rows = run("foreign-rd-centres.rq")
    assert [(local(r["enterprise"]), r["nameZh"], local(r["sentence"])) for r in rows] == [
        ("continental-ag", "大陆集团", "outline-2018-s16"),
        ("nxp", "恩智浦", "outline-2018-s16"),
        ("qualcomm", "高通", "outline-2018-s16"),
    ]


def test_q_rd_statistics(run):
    rows = run("rd-statistics.rq")
    assert len(rows) == 19
    by_indicator = {r["indicator"]: r for r in rows}
    rd = by_indicator["Total expenditure on research and development"]
    assert (rd["value"], rd["unit"], rd["period"], rd["changeRate"]) == (36.464, "billion yuan (RMB)", "2017", 20.7)
    assert by_indicator["Number of patent licensing"]["bound"] == "exclusive lower bound"
    assert by_indicator["Number of hi-tech enterprises"]["periodBasis"] == "publication year of the source"


def test_q_lower_bounds(run):
    assert run("lower-bounds.rq") == [{"indicator": "Number of patent licensing", "value": 34800}]


def test_q_stated_counts_vs_named(run):
    rows = {r["indicator"]: (r["stated"], r["named"]) for r in run("stated-counts-vs-named.rq")}
    assert rows["Number of science and technology innovation parks"] == (34, 3)
    assert rows["Number of public colleges and universities"] == (17, 17)
    assert rows["Number of private colleges and universities"] == (8, 8)
    assert rows["Number of military academies"] == (3, 2)
    assert rows["Number of new-pattern R&D organisations among them"] == (58, 6)
    assert len(rows) == 8


def test_q_organisations_per_district(run):
    rows = {r["name"]: r["organisations"] for r in run("organisations-per-district.rq")}
    # Shapingba: + the State Key Laboratory of Mechanical Transmissions; Yubei: + the S&T Bureau
    assert rows == {"Shapingba District": 7, "Nan'an District": 4, "Hechuan District": 4, "Banan District": 3,
                    "Yongchuan District": 2, "Yubei District": 3, "Beibei District": 1, "Fuling District": 1,
                    "Jiulongpo District": 1, "Wanzhou District": 1, "Yuzhong District": 1}


def test_q_figure_source_sentences(run):
    rows = run("figure-source-sentences.rq")
    assert len(rows) == 19
    first = rows[0]
    assert local(first["obs"]) == "rd-expenditure-2017" and first["number"] == 1
    assert first["text"].startswith("The total expenditure on research and development of Chongqing was 36.464 billion RMB")
    assert {r["number"] for r in rows} == {1, 2, 3, 4, 5, 6, 7, 8, 9, 18, 20, 33}


def test_q_sentence_facts(run):
    rows = run("sentence-facts.rq")
    facts = {(local(r["subject"]), r["predicate"].rsplit("/", 1)[1], r["object"]) for r in rows}
    assert ("continental-ag", "hasRDCentreIn", "https://w3id.org/cqkg/id/place/chongqing") in facts
    assert ("qualcomm", "22-rdf-syntax-ns#type", "https://w3id.org/cqkg/def/ForeignEnterprise") in facts
    # the sentence also states that its list of enterprises is open ("including"): 7 facts about the list
    assert ("outline-2018-s16-list", "listIsComplete", False) in facts
    assert len(rows) == 18


def test_q_settled_institutes(run):
    rows = run("settled-institutes.rq")
    assert {(local(r["institute"]), r["parentName"]) for r in rows} == {
        ("ucas-chongqing-college", "University of Chinese Academy of Sciences"),
        ("chongqing-research-institute-of-engineering-strategy", "Chinese Academy of Engineering"),
        ("cigit", "Chinese Academy of Sciences"),
        ("tongji-chongqing-institute", "Tongji University"),
        ("ucas-chongqing-medical-institution", "University of Chinese Academy of Sciences"),
    }


def test_q_talent_groups(run):
    rows = run("talent-groups.rq")
    sizes = sorted({r["size"] for r in rows})
    assert sizes == [16, 109, 212, 560]
    programmes = {r["programme"] for r in rows if r["size"] == 560}
    assert programmes == {"The Recruitment Program of Global Experts", "The Recruitment Program of Domestic Experts",
                          "The National Science Fund for Distinguished Young Scholars"}


def test_q_policy_measures(run):
    rows = run("policy-measures.rq")
    assert len(rows) == 12
    assert {"Loan interest discounts", "Settling-in allowance", "Intellectual property pledge loans"} <= {r["measure"] for r in rows}
    assert all(r["measureZh"] for r in rows)


def test_q_priority_industries(run):
    assert [r["industry"] for r in run("priority-industries.rq")] == [
        "Comprehensive energy", "Electronic information", "Equipment manufacturing", "Material metallurgy",
        "Motorcycle", "Petroleum and natural gas chemical industry"]


def test_q_achievements_by_field(run):
    rows = run("achievements-by-field.rq")
    assert len(rows) == 12
    assert len({r["achievement"] for r in rows}) == 9
    levels = {r["field"]: r["level"] for r in rows}
    assert levels["Optical alignment technology of large-scale substrate"] == "reaches the leading level in the world"


def test_q_expos(run):
    rows = {local(r["expo"]): r for r in run("expos.rq")}
    assert set(rows) == {"smart-china-expo", "western-china-international-fair",
                         "chongqing-international-investment-and-global-purchasing-conference"}
    assert (rows["smart-china-expo"]["firstHeld"], rows["smart-china-expo"]["frequency"]) == ("2018", "P1Y")
    assert rows["western-china-international-fair"]["renamedFromName"] == \
        "China (Chongqing) International Investment and Global Purchasing Conference"


def test_q_ai_cluster_enterprises(run):
    assert [r["name"] for r in run("ai-cluster-enterprises.rq")] == ["Cloudwalk", "Kaize Technology"]


def test_q_unconfirmed_chinese_names(run):
    rows = {local(r["entity"]) for r in run("unconfirmed-chinese-names.rq")}
    assert {"kaize-technology", "sino-german-technology-transfer-centre", "ucla-chongqing-institution",
            "ucas-chongqing-medical-institution", "chongqing-talents-service-network"} <= rows
    assert "cigit" not in rows and "chongqing-university" not in rows


def test_q_sentence_coverage(run):
    rows = run("sentence-coverage.rq")
    assert [r["number"] for r in rows] == list(range(1, 34))
    assert min(r["facts"] for r in rows) >= 1


def test_q_division_changes(run):
    rows = {local(r["division"]): (r["code"], r["validFrom"], r["validUntil"]) for r in run("division-changes.rq")}
    assert rows["kaizhou-district"] == ("500154", "2016-06-08", None)
    assert rows["kai-county"] == ("500234", None, "2016-06-08")
    # abolished on the day the municipal government announced it (press conference of 2025-11-06)
    assert rows["jiangbei-district"] == ("500105", None, "2025-11-06")
    assert rows["yubei-district"] == ("500112", None, "2025-11-06")
    # a merged district's code lives on in the district that replaced it
    assert rows["wansheng-district"][0] == rows["qijiang-district"][0] == "500110"
    assert len(rows) == 9 + 2 + 11


def test_q_division_successors(run):
    rows = run("division-successors.rq")
    pairs = [(local(r["division"]), r["abolished"], local(r["successor"])) for r in rows]
    assert pairs == [
        ("wansheng-district", "2011-10-22", "qijiang-district"),
        ("shuangqiao-district", "2011-10-22", "dazu-district"),
        ("qijiang-county", "2011-10-22", "qijiang-district"),
        ("dazu-county", "2011-10-22", "dazu-district"),
        ("tongliang-county", "2014-05-02", "tongliang-district"),
        ("bishan-county", "2014-05-02", "bishan-district"),
        ("tongnan-county", "2015-04-28", "tongnan-district"),
        ("rongchang-county", "2015-04-28", "rongchang-district"),
        ("kai-county", "2016-06-08", "kaizhou-district"),
        ("liangping-county", "2016-11-24", "liangping-district"),
        ("wulong-county", "2016-11-24", "wulong-district"),
        ("jiangbei-district", "2025-11-06", "liangjiang-new-area"),
        ("yubei-district", "2025-11-06", "beibei-district"),
        ("yubei-district", "2025-11-06", "liangjiang-new-area"),
    ]
    by_division = {local(r["division"]): r for r in rows}
    assert (by_division["kai-county"]["code"], by_division["kai-county"]["successorCode"]) == ("500234", "500154")
    # Liangjiang New Area's code as a district is not recorded until verified
    assert by_division["jiangbei-district"]["successorCode"] is None


def test_predecessors_are_inferred_from_successors(kg):
    rows = kg.select("""
        SELECT ?p WHERE { <https://w3id.org/cqkg/id/place/liangjiang-new-area> cq:predecessor ?p }""")
    assert sorted(local(r["p"]) for r in rows) == ["jiangbei-district", "yubei-district"]


@pytest.mark.parametrize("path", sorted(QUERIES.rglob("*.rq")), ids=lambda p: p.stem)
def test_query_declares_every_prefix_it_uses(path):
    """Queries run unchanged on any SPARQL store: none relies on cqkg's predeclared prefixes."""
    import pyoxigraph

    pyoxigraph.Store().query(path.read_text(encoding="utf-8"))  # raises SyntaxError on an undeclared prefix


def test_q_foreign_partners_by_country(run):
    rows = run("foreign-partners-by-country.rq")
    assert [(r["countryName"], local(r["org"]), r["tie"]) for r in rows] == [
        ("Belgium", "ku-leuven", "established a new R&D institution with Chongqing"),
        ("The Netherlands", "nxp", "has an R&D centre in Chongqing"),
        ("United States", "google", "introduced or cultivated in Chongqing"),
        ("United States", "microsoft", "introduced or cultivated in Chongqing"),
        ("United States", "ucla", "established a new R&D institution with Chongqing"),
    ]


def test_q_organisations_with_coordinates(run):
    rows = {local(r["org"]): r for r in run("organisations-with-coordinates.rq")}
    assert len(rows) == 29
    cqu = rows["chongqing-university"]
    assert (float(cqu["lon"]), float(cqu["lat"]), cqu["country"], cqu["source"]) == (
        106.55771, 29.56026, "China", "https://ror.org/023rhb549")
    assert (float(rows["ku-leuven"]["lon"]), float(rows["ku-leuven"]["lat"])) == (4.70093, 50.87959)
    assert rows["ucla"]["country"] == "United States" and float(rows["ucla"]["lon"]) < 0
    assert all(r["source"].startswith("https://ror.org/") for r in rows.values())
    for slug, r in rows.items():
        if r["country"] == "China":
            assert 73.4 <= float(r["lon"]) <= 135.1 and 18.1 <= float(r["lat"]) <= 53.6, slug


def test_q_universities_by_founding_decade(run):
    rows = run("universities-by-founding-decade.rq")
    decades = {}
    for r in rows:
        decades.setdefault(int(r["decade"]), set()).add((local(r["university"]), int(r["inDecade"])))
    counts = {decade: len(members) for decade, members in decades.items()}
    assert counts == {1420: 1, 1900: 2, 1910: 1, 1920: 2, 1940: 2, 1950: 11, 1970: 1, 2000: 1}
    assert all(n == counts[d] for d, members in decades.items() for _, n in members)
    years = {local(r["university"]): (str(r["year"]), r["inChongqing"]) for r in rows}
    assert years["chongqing-university"] == ("1929", True)
    assert years["ku-leuven"] == ("1425", False)
    assert years["chongqing-university-of-arts-and-sciences"] == ("2005", True)
    assert sum(1 for _, in_cq in years.values() if in_cq) == 15


def test_q_rd_series(run):
    rows = [(r["indicator"], r["year"], r["chongqing"], r["china"], r["unit"]) for r in run("rd-series.rq")]
    assert len(rows) == 42
    by = {}
    for indicator, year, cq, cn, unit in rows:
        by.setdefault((indicator, year), []).append((cq, cn, unit))
    expenditure = "Total expenditure on research and development"
    intensity = "R&D expenditure as a percentage of GDP (R&D intensity)"
    hitech = "Number of hi-tech enterprises"
    # the national series is complete from 2012 to 2024, in 亿元 and per cent
    assert {y for (i, y) in by if i == expenditure} == {str(y) for y in range(2012, 2025)}
    assert {y for (i, y) in by if i == intensity} == {str(y) for y in range(2012, 2025)}
    assert by[(expenditure, "2012")] == [(None, pytest.approx(10298.4), "100 million yuan (RMB)")]
    assert by[(intensity, "2024")] == [(None, pytest.approx(2.69), "per cent")]
    # Chongqing beside China; the source's 2017 figure (36.464 billion yuan) shown in 亿元
    assert by[(expenditure, "2017")] == [(pytest.approx(364.64), pytest.approx(17606.1), "100 million yuan (RMB)")]
    assert by[(expenditure, "2022")] == [(pytest.approx(686.6), pytest.approx(30782.9), "100 million yuan (RMB)")]
    assert by[(intensity, "2022")] == [(pytest.approx(2.36), pytest.approx(2.54), "per cent")]
    # the source's hi-tech count for 2018 and a later figure for the same year: both kept, one row each
    assert by[(hitech, "2018")] == [(2012, None, "count"), (2504, None, "count")]
    assert by[(hitech, "2021")] == [(5108, 330000, "count")]
    assert by[(hitech, "2022")] == [(6348, None, "count")]
    # invention patents per 10,000 people: the source's Chongqing figure beside the national one
    assert by[("Effective invention patents per ten thousand people", "2017")][0][:2] == (pytest.approx(7.25), pytest.approx(9.8))
    assert by[("High-value invention patents per ten thousand people", "2024")][0][:2] == (None, 14)


def test_q_rd_expenditure_intensity_by_year(run):
    rows = run("rd-expenditure-intensity-by-year.rq")
    assert len(rows) == 18
    by = {(r["area"], r["year"]): (r["expenditure"], r["intensity"]) for r in rows}
    assert [y for (a, y) in by if a == "China"] == [str(y) for y in range(2012, 2025)]
    assert by[("China", "2012")] == (pytest.approx(10298.4), pytest.approx(1.98))
    assert by[("China", "2020")] == (pytest.approx(24393.1), pytest.approx(2.40))
    assert by[("Chongqing Municipality", "2017")] == (pytest.approx(364.64), None)
    assert by[("Chongqing Municipality", "2018")] == (None, pytest.approx(2.01))
    assert by[("Chongqing Municipality", "2020")] == (pytest.approx(526.79), pytest.approx(2.11))
    assert by[("Chongqing Municipality", "2022")] == (pytest.approx(686.6), pytest.approx(2.36))


def test_q_open_lists(run):
    rows = run("open-lists.rq")
    lists = {local(r["list"]): r for r in rows}
    assert sorted({r["number"] for r in rows}) == [7, 10, 11, 12, 14, 15, 16, 21, 22, 27, 28, 29]
    assert {name: r["itemsNamed"] for name, r in lists.items()} == {
        "outline-2018-s07-list": 3, "outline-2018-s10-list": 7, "outline-2018-s11-list": 6,
        "outline-2018-s12-list": 5, "outline-2018-s14-list": 5, "outline-2018-s15-list": 6,
        "outline-2018-s16-list": 3, "outline-2018-s21-list": 3, "outline-2018-s22-list": 4,
        "outline-2018-s27-list": 4, "outline-2018-s28-list": 2, "outline-2018-s29-list": 5}
    markers = {}
    for r in rows:
        markers.setdefault(local(r["list"]), set()).add(r["marker"])
    assert markers["outline-2018-s27-list"] == {"and so on"}
    assert markers["outline-2018-s10-list"] == {"such as", "etc."}
    assert markers["outline-2018-s29-list"] == {"including", "and so on"}
    assert len(rows) == 15
    assert lists["outline-2018-s22-list"]["name"] == "Significant R&D fields of the strategic project"


def test_q_field_hierarchy(run):
    rows = {(local(r["field"]), local(r["broader"]), r["steps"]) for r in run("field-hierarchy.rq")}
    assert rows == {
        ("face-recognition", "biometric-recognition", 1),
        ("face-recognition", "artificial-intelligence", 2),
        ("biometric-recognition", "artificial-intelligence", 1),
        ("computing-audio-visual", "artificial-intelligence", 1),
        ("intelligent-robot", "artificial-intelligence", 1),
        ("intelligent-automobile", "artificial-intelligence", 1),
    }


def test_q_key_laboratories(run):
    rows = {local(r["lab"]): r for r in run("key-laboratories.rq")}
    assert len(rows) == 8
    assert {local(r["host"]) for r in rows.values()} == {
        "chongqing-university", "southwest-university", "chongqing-medical-university",
        "chongqing-jiaotong-university", "caeri", "army-medical-university"}
    assert rows["sklmt"]["nameZh"] == "机械传动国家重点实验室"
    assert local(rows["sklmt"]["place"]) == "shapingba-district"
    assert rows["sklpe"]["founded"] == "2007"
    assert all(r["source"] for r in rows.values())
