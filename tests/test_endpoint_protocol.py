"""The SPARQL 1.1 Protocol, in process through Flask's test client (the access log against the live server): ways to query, graphs, formats, negotiation, description."""

from __future__ import annotations

import gzip
import io
import json
import urllib.parse

import pytest
from rdflib import Dataset, Graph, URIRef
from rdflib.namespace import RDF

from conftest import fetch

LABEL_QUERY = 'SELECT ?l WHERE { <https://w3id.org/cqkg/id/org/cigit> <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?l'
CONSTRUCT = "CONSTRUCT WHERE { <https://w3id.org/cqkg/id/org/cigit> ?p ?o }"
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def get(target, query, headers=None, **params):
    """GET a query from ``target``: the app in process, or a live server."""
    url = target.sparql + "?" + urllib.parse.urlencode({"query": query, **params}, doseq=True)
    return target.fetch(url, headers=headers) if hasattr(target, "fetch") else fetch(url, headers=headers)


def test_get_form_post_and_direct_post_give_the_same_answer(web):
    by_get = get(web, LABEL_QUERY)
    by_form = web.fetch(web.sparql, data=urllib.parse.urlencode({"query": LABEL_QUERY}).encode(), headers=FORM)
    by_body = web.fetch(web.sparql, data=LABEL_QUERY.encode(), headers={"Content-Type": "application/sparql-query"})
    assert by_get.status == by_form.status == by_body.status == 200
    assert by_get.body == by_form.body == by_body.body
    assert len(by_get.json()["results"]["bindings"]) == 2


def test_default_graph_uri_selects_the_default_graph(web):
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    source_only = get(web, count, **{"default-graph-uri": "https://w3id.org/cqkg/graph/source"}).json()
    assert source_only["results"]["bindings"][0]["n"]["value"] == "358"
    union = get(web, count).json()
    assert int(union["results"]["bindings"][0]["n"]["value"]) > 4000


def test_named_graph_uri_restricts_the_named_graphs(web):
    query = "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }"
    answer = get(web, query, **{"named-graph-uri": ["https://w3id.org/cqkg/id/source/outline-2018-s16",
                                                       "https://w3id.org/cqkg/graph/links/ror"]}).json()
    assert {b["g"]["value"] for b in answer["results"]["bindings"]} == {
        "https://w3id.org/cqkg/id/source/outline-2018-s16", "https://w3id.org/cqkg/graph/links/ror"}


def test_a_graph_iri_from_outside_is_never_loaded(web):
    answer = get(web, "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }", **{"default-graph-uri": "http://127.0.0.1:9/elsewhere"})
    assert answer.status == 200 and answer.json()["results"]["bindings"][0]["n"]["value"] == "0"
    from_clause = get(web, "SELECT (COUNT(*) AS ?n) FROM <file:///etc/passwd> WHERE { ?s ?p ?o }")
    assert from_clause.status == 200 and from_clause.json()["results"]["bindings"][0]["n"]["value"] == "0"


@pytest.mark.parametrize("accept,expected", [
    ("application/sparql-results+json", "application/sparql-results+json"),
    ("application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/csv", "text/csv"),
    ("text/tab-separated-values", "text/tab-separated-values"),
    ("application/json", "application/sparql-results+json"),
    ("*/*", "application/sparql-results+json"),
    ("text/csv;q=0.5, application/sparql-results+xml", "application/sparql-results+xml"),
    ("text/*", "text/csv"),
    ("text/tab-separated-values;q=1, text/csv;q=0.1", "text/tab-separated-values"),
    ("application/sparql-results+json; charset=utf-8", "application/sparql-results+json"),  # parameters ignored, as for pages
])
def test_select_result_format_follows_accept(web, accept, expected):
    answer = get(web, LABEL_QUERY, headers={"Accept": accept})
    assert answer.status == 200
    assert answer.headers["Content-Type"].split(";")[0] == expected


def test_select_results_in_each_format_carry_the_same_rows(web):
    json_rows = get(web, LABEL_QUERY, format="json").json()["results"]["bindings"]
    xml = get(web, LABEL_QUERY, format="xml").text
    csv_text = get(web, LABEL_QUERY, format="csv").text
    tsv = get(web, LABEL_QUERY, format="tsv").text
    zh = "中国科学院重庆绿色智能技术研究院"
    assert [b["l"]["value"] for b in json_rows][1] == zh
    assert f'<literal xml:lang="zh">{zh}</literal>' in xml
    assert csv_text.splitlines()[0] == "l" and zh in csv_text
    assert tsv.splitlines()[0] == "?l" and f'"{zh}"@zh' in tsv


@pytest.mark.parametrize("accept,rdflib_format", [
    ("text/turtle", "turtle"), ("application/n-triples", "nt"), ("application/ld+json", "json-ld"),
    ("application/rdf+xml", "xml"), ("application/trig", "trig"), ("application/n-quads", "nquads"),
])
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # inside rdflib's parsers
@pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated:DeprecationWarning")
def test_construct_in_every_graph_format_parses_back(web, accept, rdflib_format):
    answer = get(web, CONSTRUCT, headers={"Accept": accept})
    assert answer.status == 200 and answer.headers["Content-Type"].split(";")[0] == accept
    if rdflib_format in ("trig", "nquads"):
        dataset = Dataset()
        dataset.parse(data=answer.text, format=rdflib_format)
        triples = set(dataset.default_graph)
    else:
        triples = set(Graph().parse(data=answer.text, format=rdflib_format))
    assert (URIRef("https://w3id.org/cqkg/id/org/cigit"), RDF.type, URIRef("https://w3id.org/cqkg/def/CASInstitute")) in triples
    assert len(triples) == int(answer.headers["X-CQKG-Rows"])


def test_ask_in_json_and_xml(web):
    assert get(web, "ASK { ?s ?p ?o }").json() == {"head": {}, "boolean": True}
    assert "<boolean>false</boolean>" in get(web, "ASK { <urn:x> <urn:y> <urn:z> }", format="xml").text


def test_nothing_acceptable_is_406(web):
    answer = get(web, LABEL_QUERY, headers={"Accept": "image/png"})
    assert answer.status == 406 and answer.json()["error"]["status"] == 406
    graph_only = get(web, LABEL_QUERY, headers={"Accept": "text/turtle"})
    assert graph_only.status == 406


def test_unknown_format_parameter_is_400(web):
    answer = get(web, LABEL_QUERY, format="pdf")
    assert answer.status == 400 and "unknown format" in answer.json()["error"]["detail"]


def test_service_description_without_a_query(web):
    answer = web.fetch(web.sparql, headers={"Accept": "text/turtle"})
    assert answer.status == 200 and answer.headers["Content-Type"].startswith("text/turtle")
    graph = Graph().parse(data=answer.text, format="turtle")
    sd = "http://www.w3.org/ns/sparql-service-description#"
    service = URIRef(web.sparql)
    assert (service, RDF.type, URIRef(sd + "Service")) in graph
    assert (service, URIRef(sd + "supportedLanguage"), URIRef(sd + "SPARQL11Query")) in graph
    names = {str(o) for o in graph.objects(None, URIRef(sd + "name"))}
    assert "https://w3id.org/cqkg/graph/inferred" in names and "https://w3id.org/cqkg/id/source/outline-2018-s16" in names
    formats = {str(o) for o in graph.objects(service, URIRef(sd + "resultFormat"))}
    assert "http://www.w3.org/ns/formats/SPARQL_Results_CSV" in formats and len(formats) == 10
    assert str(graph.value(service, URIRef("https://w3id.org/cqkg/def/queryTimeoutSeconds"))) == str(float(web.settings.query_timeout))
    as_jsonld = web.fetch(web.sparql, headers={"Accept": "application/ld+json"})
    assert as_jsonld.status == 200 and json.loads(as_jsonld.body)


def test_browser_gets_the_query_page(web):
    for url in ("/", "/sparql"):
        answer = web.fetch(url, headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
        assert answer.status == 200 and answer.headers["Content-Type"].startswith("text/html")
        assert "Run query" in answer.text and "Research organisations of every kind" in answer.text
        assert "CC BY 4.0" in answer.text


def test_etag_and_if_none_match(web):
    first = get(web, LABEL_QUERY)
    etag = first.headers["ETag"]
    assert etag.startswith('"') and len(etag) == 34
    again = get(web, LABEL_QUERY, headers={"If-None-Match": etag})
    assert again.status == 304 and again.body == b""
    other_format = get(web, LABEL_QUERY, headers={"If-None-Match": etag, "Accept": "text/csv"})
    assert other_format.status == 200 and other_format.headers["ETag"] != etag


def test_if_none_match_compares_weakly(web):
    """RFC 9110 13.1.2: If-None-Match uses the weak comparison, so W/"tag" and a list of tags match too."""
    etag = get(web, LABEL_QUERY).headers["ETag"]
    for header in (f"W/{etag}", f'"other", {etag}', "*"):
        answer = get(web, LABEL_QUERY, headers={"If-None-Match": header})
        assert answer.status == 304, header
        assert answer.headers["ETag"] == etag and "Accept" in answer.headers["Vary"]
        assert answer.headers["Cache-Control"] and answer.headers["Access-Control-Allow-Origin"] == "*"


def test_identical_queries_are_answered_from_the_cache(client):
    query = LABEL_QUERY + " # cache test"
    assert client.get("/sparql", query_string={"query": query}).headers["X-CQKG-Cache"] == "miss"
    second = client.get("/sparql", query_string={"query": query})
    assert second.headers["X-CQKG-Cache"] == "hit" and second.status_code == 200


def test_gzip_when_accepted(web):
    query = "SELECT * WHERE { ?s a ?type } LIMIT 200"
    plain = get(web, query)
    zipped = get(web, query, headers={"Accept-Encoding": "gzip"})
    assert zipped.headers["Content-Encoding"] == "gzip"
    assert gzip.GzipFile(fileobj=io.BytesIO(zipped.body)).read() == plain.body
    assert len(zipped.body) < len(plain.body) / 3
    assert "Content-Encoding" not in plain.headers


def test_cors_on_answers_and_preflight(web):
    answer = get(web, LABEL_QUERY, headers={"Origin": "https://example.org"})
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    preflight = web.fetch(web.sparql, method="OPTIONS", headers={
        "Origin": "https://example.org", "Access-Control-Request-Method": "POST",
        "Access-Control-Request-Headers": "content-type"})
    assert preflight.status == 200
    assert "POST" in preflight.headers["Access-Control-Allow-Methods"]
    assert preflight.headers["Access-Control-Allow-Headers"] == "content-type"
    assert preflight.headers["Access-Control-Allow-Origin"] == "*"


def test_healthz_and_access_log(server):  # the shared test server turns the access log on (CQKG_ACCESS_LOG)
    health = fetch(server.base + "/healthz").json()
    assert health["status"] == "ok" and health["engine"] == "oxigraph" and len(health["dataset_version"]) == 16
    get(server, "ASK { ?s ?p ?o } # access log test")
    log = server.log()
    assert "GET /healthz 200" in log and "GET /sparql 200" in log and "ms" in log
