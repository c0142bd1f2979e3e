"""Entity pages, ontology term pages, class listings, /about and /validation, read as a browser reads them."""

from __future__ import annotations

import json

import pyoxigraph as ox
import pytest
from bs4 import BeautifulSoup
from rdflib import Graph, URIRef

from cqkg.linked_data.explain import Explainer
from cqkg.linked_data.vocabulary import Vocabulary
from cqkg.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH

HTML = {"Accept": "text/html"}
S14_TEXT = "have been settled in Chongqing."


def page(client, path: str) -> BeautifulSoup:
    response = client.get(path, headers=HTML)
    assert response.status_code == 200, path
    return BeautifulSoup(response.data, "html.parser")


def test_an_entity_page_shows_names_types_and_sources(client, kg):
    soup = page(client, "/id/org/cigit")
    heading = soup.find("h1")
    assert "Chongqing Institute of Green and Intelligent Technology" in heading.get_text()
    assert heading.find(attrs={"lang": "zh"}).get_text() == "中国科学院重庆绿色智能技术研究院"
    assert soup.find(class_="working") is None  # its Chinese name is confirmed
    # the sentence that states the facts, verbatim, linked to its page
    [s14] = [p for p in soup.select("#sentences blockquote")]
    text = kg.select("SELECT ?t WHERE { cqsrc:outline-2018-s14 schema:text ?t }")[0]["t"]
    assert s14.get_text() == text and text.endswith(S14_TEXT)
    assert soup.select_one('#sentences a[href="/id/source/outline-2018-s14"]')
    # a fact of the sentence carries a badge linking to it; a curated fact says so, and its authorities are listed
    settled = _row(soup, "settled in")
    assert settled.select_one('a.badge[href="/id/source/outline-2018-s14"]')["title"] == text
    assert "curated" in _row(soup, "founding year").get_text()
    assert "http://cigit.cas.cn/" in {a["href"] for a in soup.select("#authorities a")}


def _row(soup: BeautifulSoup, property_label: str):
    """The first table row of a property, found by its label."""
    cell = next(td for td in soup.select("td.prop") if td.get_text(strip=True) == property_label)
    return cell.parent


def test_a_working_translation_is_flagged(client):
    soup = page(client, "/id/indicator/rd-expenditure")
    assert soup.find(class_="working") is not None
    assert soup.find("h1").find(attrs={"lang": "zh"}).get_text() == "研究与试验发展（R&D）经费支出总额"


def test_identifiers_link_to_their_registries(client):
    links = {a.get_text(): a["href"] for a in page(client, "/id/org/cigit").select(".identifiers a")}
    assert links["031npqv35"] == "https://ror.org/031npqv35"
    assert links["http://cigit.cas.cn/"] == "http://cigit.cas.cn/"
    district = {a.get_text(): a["href"] for a in page(client, "/id/place/yuzhong-district").select(".identifiers a")}
    assert district["Q713343"] == "https://www.wikidata.org/wiki/Q713343"
    assert district["1816835"] == "https://www.geonames.org/1816835"
    assert district["500103"].startswith("/?query=")  # the division code opens the entities that carry it


def test_links_stay_on_this_server(client):
    for path in ("/id/org/cigit", "/def/ResearchOrganisation", "/id/source/outline-2018-s16", "/about", "/classes/cq:District"):
        hrefs = [a["href"] for a in page(client, path).find_all("a", href=True)]
        assert not [h for h in hrefs if h.startswith("https://w3id.org/")], path
    assert "/id/org/cas" in {a["href"] for a in page(client, "/id/org/cigit").find_all("a", href=True)}


def test_an_inferred_type_shows_its_axiom_and_premises(client):
    soup = page(client, "/id/org/cigit")
    types = {li.find("a")["href"]: li for li in soup.select("ul.types > li")}
    organisation = types["/def/Organisation"]
    assert organisation.find(class_="inferred")
    why = organisation.find("details", class_="why")
    steps = [li.get_text(" ", strip=True) for li in why.find_all("li")]
    assert "subClassOf" in why.get_text() or "subclass" in why.get_text()
    assert steps[0].startswith("premise, stated") and "CAS institute" in steps[0]
    assert [s.split(":", 1)[0] for s in steps[1:]] == ["axiom, stated"] * 3  # CAS institute ⊑ research institute ⊑ … ⊑ organisation
    asserted = types["/def/CASInstitute"]
    assert asserted.find(class_="why") is None and "asserted" in asserted.get_text()
    # an inferred property: located in Chongqing because settled in, a subproperty of located in
    located = _row(soup, "located in")
    assert "subproperty" in located.get_text() and "settled in" in located.get_text()


def test_every_inferred_fact_has_an_explanation_on_stated_axioms(kg):
    explainer = Explainer(kg, Vocabulary.load(kg))
    inferred = kg.store.quads_for_pattern(None, None, None, ox.NamedNode(INFERRED_GRAPH))
    by_subject: dict[str, list] = {}
    for quad in inferred:
        by_subject.setdefault(quad.subject.value, []).append((quad.predicate, quad.object))
    for subject, facts in by_subject.items():
        explanations = explainer.explain(subject, facts)
        for predicate, obj in facts:
            best = explanations.get((predicate.value, str(obj)))
            assert best, (subject, predicate, obj)
            for part in best[0].parts:  # every part is in the graph, and marked as it is
                graphs = {q.graph_name.value for q in kg.store.quads_for_pattern(part.subject, part.predicate, part.object, None)
                          if isinstance(q.graph_name, ox.NamedNode)}
                assert graphs, part
                assert part.inferred == (graphs == {INFERRED_GRAPH}), part
                if part.role == "axiom" and not part.inferred:
                    assert graphs & {ONTOLOGY_GRAPH, ASSERTED_GRAPH}, part


def test_a_sentence_page_shows_its_text_and_facts(client):
    soup = page(client, "/id/source/outline-2018-s16")
    assert "Continental AG, Qualcomm NXP" in soup.select_one("blockquote.sentence").get_text()
    subjects = {row.find("td").get_text(strip=True) for row in soup.select("section table tbody tr") if row.find("td")}
    assert {"Continental AG", "Qualcomm", "NXP Semiconductors"} <= subjects


def test_observations_are_small_tables(client):
    soup = page(client, "/id/place/chongqing")
    tables = soup.select("table.observations")
    assert tables
    rows = [[td.get_text(" ", strip=True) for td in tr.find_all("td")] for t in tables for tr in t.select("tbody tr")]
    rd_2017 = next(r for r in rows if r[1].startswith("2017") and r[2] == "36.464")
    assert rd_2017[3] == "billion yuan (RMB)" and rd_2017[4] == "exact value" and rd_2017[5] == "20.7"
    assert rd_2017[6] == "sentence 1"
    patents = next(r for r in rows if r[2] == "34800")
    assert patents[4] == "exclusive lower bound"


def test_an_ontology_term_page(client, kg):
    soup = page(client, "/def/ResearchOrganisation")
    figures = soup.select_one("section.term")
    narrower = {a.get_text() for a in figures.find_all("a")}
    assert {"research institute", "higher-education institution"} <= narrower
    count = kg.select("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a cq:ResearchOrganisation }")[0]["n"]
    link = figures.find("a", href="/classes/cq:ResearchOrganisation")
    assert link.get_text().startswith(f"{count} ")
    assert "research and development" in soup.select_one("section.definition").get_text()
    prop = page(client, "/def/locatedIn")
    assert prop.find("a", href="/classes/owl:TransitiveProperty")
    used = kg.select("SELECT (COUNT(*) AS ?n) WHERE { ?s cq:locatedIn ?o }")[0]["n"]
    assert f"{used} triples" in prop.select_one("section.term").get_text()


def test_the_ontology_page_lists_its_terms(client):
    soup = page(client, "/def/")
    links = {a["href"] for a in soup.find_all("a", href=True)}
    assert {"/def/ResearchInstitute", "/def/locatedIn"} <= links


def test_a_class_page_counts_instances_with_subclasses(client, kg):
    expected = kg.select(f"""SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {{
        GRAPH <{ASSERTED_GRAPH}> {{ ?e a ?c }} ?c rdfs:subClassOf* cq:ResearchOrganisation }}""")[0]["n"]
    direct = kg.select(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{ASSERTED_GRAPH}> {{ ?e a cq:ResearchOrganisation }} }}")[0]["n"]
    assert expected > 0 and direct == 0  # all of them are instances of its subclasses
    soup = page(client, "/classes/cq:ResearchOrganisation")
    assert int(soup.select_one(".total").get_text()) == expected
    seen, number = [], 1
    while True:
        listing = page(client, f"/classes/cq:ResearchOrganisation?page={number}&size=20")
        rows = [tr.find("a")["href"] for tr in listing.select("tbody tr")]
        assert len(rows) <= 20
        seen += rows
        if not listing.find("a", rel="next"):
            break
        number += 1
    assert len(seen) == len(set(seen)) == expected
    subclasses = {li.find("a").get_text(): li.get_text() for li in soup.select("ul li") if li.find("a", href=True)
                  and li.find("a")["href"].startswith("/classes/")}
    assert subclasses["research institute"].endswith(": " + str(
        kg.select("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a cq:ResearchInstitute }")[0]["n"]))


@pytest.mark.parametrize("path, status", [("/classes/cq:District?page=abc", 400), ("/classes/cq:District?page=0", 400),
                                          ("/classes/cq:District?size=100000", 400), ("/classes/cq:District?page=99999", 404),
                                          ("/classes/nope:Thing", 404), ("/classes/cq:NoSuchClass", 404),
                                          ("/classes/cq:District?page=" + "9" * 5000, 400)])
def test_bad_class_listings(client, path, status):
    response = client.get(path, headers=HTML)  # a browser: the error as a page
    assert response.status_code == status and f"HTTP {status}" in response.get_data(as_text=True)
    response = client.get(path)  # a program: the JSON error body
    assert response.status_code == status and response.json["error"]["status"] == status


def test_the_class_index(client, kg):
    soup = page(client, "/classes/")
    counts = {a["href"]: int(a.find_parent("tr").find_all("td")[-1].get_text()) for a in soup.select("tbody tr td:first-child a")}
    districts = kg.select("SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE { ?e a cq:District }")[0]["n"]
    assert counts["/classes/cq:District"] == districts


def test_about_figures_equal_cqkg_stats(client, cli, build_dir):
    run = cli("stats", "--json", build_dir=build_dir)
    assert run.returncode == 0, run.stderr
    stats = json.loads(run.stdout)
    about = client.get("/about", headers={"Accept": "application/json"}).json
    assert about["figures"] == stats
    soup = page(client, "/about")
    assert str(stats["observations"]["observations"]) in soup.select_one("#observations").get_text()
    assert str(stats["sentences"]["sentences"]) in soup.select_one("#sentences").get_text()
    cells = {td["data-class"]: int(td.get_text()) for td in soup.select("td[data-class]")}
    assert cells == stats["entities_per_class"]
    assert about["metadata"]["license"] == "https://creativecommons.org/licenses/by/4.0/"
    assert "cqkg contributors" in soup.select_one(".citation").get_text()


def test_validation_as_a_page_and_as_rdf(client, kg):
    counts = kg.manifest["validation"]
    soup = page(client, "/validation")
    rows = soup.select("tbody tr")
    assert len(rows) == sum(counts.values()) and counts["Violation"] == 0
    assert rows[0].find("a")["href"].startswith("/id/")
    turtle = client.get("/validation", headers={"Accept": "text/turtle"})
    assert turtle.status_code == 200 and turtle.mimetype == "text/turtle"
    graph = Graph().parse(data=turtle.data.decode("utf-8"), format="turtle")
    sh = "http://www.w3.org/ns/shacl#"
    assert len(set(graph.subjects(URIRef(sh + "resultSeverity"), URIRef(sh + "Warning")))) == counts["Warning"]
    assert [str(o) for o in graph.objects(None, URIRef(sh + "conforms"))] == ["true"]


@pytest.fixture(scope="module")
def released(build_dir, tmp_path_factory):
    """The app serving a release of the session's build (N-Quads and Turtle dumps, VoID, CSV tables)."""
    from cqkg.query.engines import make_engine
    from cqkg.query.executor import InlinePool
    from cqkg.release.folder import release
    from cqkg.settings import Settings
    from cqkg.web import create_app
    from conftest import ROOT

    dist = tmp_path_factory.mktemp("dist")
    release(build_dir, dist, extensions=("nq", "ttl"), compress=False)
    settings = Settings.from_env({}, root=ROOT, build_dir=build_dir, dist_dir=dist)
    app = create_app(settings, pool=InlinePool(make_engine("oxigraph", build_dir)))
    return app.test_client(), dist


def test_dumps_and_void_are_pages_for_browsers(released):
    import hashlib
    client, dist = released
    soup = page(client, "/dumps/")
    files = {tr.find("a").get_text(): tr.find_all("td") for tr in soup.select("table.files tbody tr")}
    nq = files["cqkg-all.nq"]
    assert int(nq[2].get_text()) == (dist / "cqkg-all.nq").stat().st_size
    assert nq[3].get_text() == hashlib.sha256((dist / "cqkg-all.nq").read_bytes()).hexdigest()
    assert any(name.startswith("csv/") for name in files)
    table = next(name for name in files if name.startswith("csv/"))
    with client.get("/dumps/" + table) as response:
        assert response.data == (dist / table).read_bytes() and response.mimetype == "text/csv"
    listing = client.get("/dumps/", headers={"Accept": "application/json"})
    assert "cqkg-all.nq" in {d["name"] for d in listing.json["dumps"]}
    assert "Accept" in listing.headers["Vary"]
    void_page = page(client, "/.well-known/void")
    assert "void:sparqlEndpoint" in void_page.find("pre").get_text()
    with client.get("/.well-known/void", headers={"Accept": "text/turtle"}) as void:
        assert void.mimetype == "text/turtle" and void.data == (dist / "void.ttl").read_bytes()
    with client.get("/.well-known/void") as anything:
        assert anything.mimetype == "text/turtle"  # */*: the Turtle, as before
    about = page(client, "/about")
    assert "cqkg-all.nq" in {a.get_text() for a in about.select("table.files a")}
