"""Dereferencing: every IRI the graph mints answers at its path, as a page and as RDF, negotiated."""

from __future__ import annotations

import json
import time

import pyoxigraph as ox
import pytest
from rdflib import Dataset, Graph, URIRef

from cqkg.namespaces import BASE
from cqkg.web.negotiation import choose, split_suffix

CIGIT = "https://w3id.org/cqkg/id/org/cigit"
RDF_TYPES = {"ttl": "text/turtle", "nt": "application/n-triples", "jsonld": "application/ld+json",
             "rdf": "application/rdf+xml", "trig": "application/trig", "nq": "application/n-quads"}
RDFLIB_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "rdf": "xml", "trig": "trig", "nq": "nquads"}
ALL_IRIS = f"""
SELECT DISTINCT ?iri WHERE {{
    {{ GRAPH ?g {{ ?iri ?p ?o }} }} UNION {{ GRAPH ?g {{ ?s ?p ?iri }} }} UNION {{ GRAPH ?iri {{ ?s ?p ?o }} }}
    FILTER(isIRI(?iri) && STRSTARTS(STR(?iri), "{BASE}"))
}}"""


def path(iri: str) -> str:
    return "/" + iri[len(BASE):]


def graphs_of(data: str, fmt: str) -> dict[str, set]:
    """The triples of each named graph of a TriG, N-Quads or JSON-LD document, parsed by rdflib."""
    import warnings
    dataset = Dataset()
    with warnings.catch_warnings():  # rdflib's own parsers call its deprecated Dataset API
        warnings.simplefilter("ignore", DeprecationWarning)
        dataset.parse(data=data, format=fmt)
        return {str(g.identifier): set(g) for g in dataset.graphs() if len(g)}


@pytest.fixture(scope="module")
def minted(kg) -> list[str]:
    """Every IRI under BASE that the built graph mentions: entities, terms, graphs, sentences."""
    return sorted(row["iri"] for row in kg.select(ALL_IRIS))


def test_every_minted_iri_dereferences_as_a_page_and_as_turtle(client, minted):
    kinds = {iri[len(BASE):].split("/")[0] for iri in minted}
    assert {"id", "def", "graph"} <= kinds and len(minted) > 500
    started = time.perf_counter()
    for iri in minted:
        page = client.get(path(iri), headers={"Accept": "text/html"})
        assert page.status_code == 200, iri
        assert page.mimetype == "text/html" and iri.encode() in page.data, iri
        turtle = client.get(path(iri), headers={"Accept": "text/turtle"})
        assert turtle.status_code == 200 and turtle.mimetype == "text/turtle", iri
        graph = Graph().parse(data=turtle.data.decode("utf-8"), format="turtle")
        assert (URIRef(iri), None, None) in graph, f"{iri} is not a subject of its description"
    print(f"\n{len(minted)} IRIs, page and Turtle each: {time.perf_counter() - started:.1f} s")


def test_the_ontology_is_at_def(client):
    response = client.get("/def/", headers={"Accept": "text/turtle"})
    graph = Graph().parse(data=response.data.decode("utf-8"), format="turtle")
    ontology = URIRef("https://w3id.org/cqkg/def/")
    assert (ontology, URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
            URIRef("http://www.w3.org/2002/07/owl#Ontology")) in graph
    # the whole ontology: every class of the ontology graph is in the document
    assert (URIRef("https://w3id.org/cqkg/def/ResearchInstitute"), None, None) in graph
    assert client.get("/def.ttl").data == response.data
    assert client.get("/def.html").mimetype == "text/html"


@pytest.mark.parametrize("accept", ["text/html", "text/turtle", "application/ld+json"])
def test_an_unknown_iri_is_404(client, accept):
    for unknown in ("/id/org/no-such-org", "/def/NoSuchTerm", "/graph/nothing", "/id/org/no-such-org.ttl", "/def.xyz"):
        response = client.get(unknown, headers={"Accept": accept})
        assert response.status_code == 404, unknown
        if accept == "text/html":
            assert response.mimetype == "text/html" and b"Not in the graph" in response.data
        else:
            assert response.json["error"]["status"] == 404


@pytest.mark.parametrize("accept, expected", [
    ("text/turtle", "text/turtle"),
    ("text/turtle;charset=utf-8", "text/turtle"),
    ("application/rdf+xml;q=0.9, text/turtle;q=0.5", "application/rdf+xml"),
    ("text/html;q=0.1, application/n-triples;q=0.8", "application/n-triples"),
    ("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8", "text/html"),
    ("text/html;q=0, */*", "text/turtle"),
    ("application/json", "application/ld+json"),
    ("application/trig, application/n-quads;q=0.2", "application/trig"),
    ("*/*", "text/html"),
    ("", "text/html"),
])
def test_accept_q_values_choose_the_representation(client, accept, expected):
    response = client.get("/id/org/cigit", headers={"Accept": accept} if accept else {})
    assert response.status_code == 200 and response.mimetype == expected
    assert choose(accept) == expected


def test_nothing_acceptable_is_406(client):
    response = client.get("/id/org/cigit", headers={"Accept": "image/png"})
    assert response.status_code == 406 and "text/turtle" in response.json["error"]["detail"]
    assert client.get("/id/org/cigit", headers={"Accept": "text/turtle;q=0"}).status_code == 406


@pytest.mark.parametrize("suffix", sorted(RDF_TYPES))
def test_a_suffix_names_the_format_whatever_accept_says(client, suffix):
    response = client.get(f"/id/org/cigit.{suffix}", headers={"Accept": "text/html"})
    assert response.status_code == 200 and response.mimetype == RDF_TYPES[suffix]
    data = response.data.decode("utf-8")
    if suffix in ("trig", "nq", "jsonld"):  # formats with named graphs keep them
        graphs = graphs_of(data, RDFLIB_FORMATS[suffix])
        assert "https://w3id.org/cqkg/graph/inferred" in graphs
        assert "https://w3id.org/cqkg/id/source/outline-2018-s14" in graphs
    else:
        graph = Graph().parse(data=data, format=RDFLIB_FORMATS[suffix])
        assert (URIRef(CIGIT), None, None) in graph
    assert client.get("/id/org/cigit.html", headers={"Accept": "text/turtle"}).mimetype == "text/html"


def test_split_suffix_only_splits_known_suffixes():
    assert split_suffix("id/org/cigit.ttl") == ("id/org/cigit", "text/turtle")
    assert split_suffix("def/0.1.0") == ("def/0.1.0", None)
    assert split_suffix("id/org/cigit") == ("id/org/cigit", None)


def test_an_iri_with_a_dot_is_not_read_as_a_suffix(client):
    response = client.get("/def/0.1.0", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.mimetype == "text/turtle"
    graph = Graph().parse(data=response.data.decode("utf-8"), format="turtle")
    assert (URIRef("https://w3id.org/cqkg/def/0.1.0"), URIRef("http://purl.org/dc/terms/isVersionOf"),
            URIRef("https://w3id.org/cqkg/def/")) in graph
    assert client.get("/def/0.1.0.nt").mimetype == "application/n-triples"


def test_asserted_and_inferred_are_told_apart(client, kg):
    by_graph = graphs_of(client.get("/id/org/cigit.trig").data.decode("utf-8"), "trig")
    organisation = (URIRef(CIGIT), URIRef("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                    URIRef("https://w3id.org/cqkg/def/Organisation"))
    settled = (URIRef(CIGIT), URIRef("https://w3id.org/cqkg/def/settledIn"), URIRef("https://w3id.org/cqkg/id/place/chongqing"))
    assert organisation in by_graph["https://w3id.org/cqkg/graph/inferred"]
    assert settled in by_graph["https://w3id.org/cqkg/id/source/outline-2018-s14"]  # the sentence that states it
    assert settled not in by_graph["https://w3id.org/cqkg/graph/inferred"]
    # every inferred quad is in the store's inferred graph, and nothing stated is called inferred
    inferred = kg.store
    for s, p, o in by_graph["https://w3id.org/cqkg/graph/inferred"]:
        assert list(inferred.quads_for_pattern(ox.NamedNode(str(s)), ox.NamedNode(str(p)), None,
                                               ox.NamedNode("https://w3id.org/cqkg/graph/inferred")))
    # Turtle keeps the distinction in sections headed by the graph, and parses as one graph
    turtle = client.get("/id/org/cigit.ttl").data.decode("utf-8")
    inferred_section = turtle.split("# graph <https://w3id.org/cqkg/graph/inferred>")[1]
    assert "cq:Organisation" in inferred_section and "cq:settledIn" not in inferred_section
    # labels of linked resources and the sentence's text come with the description
    graph = Graph().parse(data=turtle, format="turtle")
    assert (URIRef("https://w3id.org/cqkg/id/org/cas"), URIRef("http://www.w3.org/2000/01/rdf-schema#label"), None) in graph
    assert (URIRef("https://w3id.org/cqkg/id/source/outline-2018-s14"), URIRef("https://schema.org/text"), None) in graph


def test_jsonld_keeps_the_graphs(client):
    data = json.loads(client.get("/id/org/cigit", headers={"Accept": "application/ld+json"}).data)
    assert "https://w3id.org/cqkg/graph/inferred" in {node.get("@id") for node in data}


def test_a_graph_iri_describes_the_graph(client, kg):
    big = client.get("/graph/asserted.ttl").data.decode("utf-8")
    graph = Graph().parse(data=big, format="turtle")
    asserted = URIRef("https://w3id.org/cqkg/graph/asserted")
    size = graph.value(asserted, URIRef("http://rdfs.org/ns/void#triples"))
    assert int(size) == kg.manifest["graphs"]["https://w3id.org/cqkg/graph/asserted"]
    assert str(graph.value(asserted, URIRef("http://rdfs.org/ns/void#dataDump"))).endswith("/dumps/cqkg-all.nq")
    assert len(graph) < 100  # described, not dumped
    links = graphs_of(client.get("/graph/links/ror.trig").data.decode("utf-8"), "trig")["https://w3id.org/cqkg/graph/links/ror"]
    assert len(links) == kg.manifest["graphs"]["https://w3id.org/cqkg/graph/links/ror"]  # small: listed whole


def test_a_sentence_lists_the_facts_it_states(client, kg):
    trig = client.get("/id/source/outline-2018-s16.trig").data.decode("utf-8")
    stated = graphs_of(trig, "trig")["https://w3id.org/cqkg/id/source/outline-2018-s16"]
    expected = kg.select("SELECT (COUNT(*) AS ?n) WHERE { GRAPH cqsrc:outline-2018-s16 { ?s ?p ?o } }")[0]["n"]
    assert len(stated) == expected


def test_etag_and_if_none_match(client):
    first = client.get("/id/org/cigit", headers={"Accept": "text/turtle"})
    etag = first.headers["ETag"]
    again = client.get("/id/org/cigit", headers={"Accept": "text/turtle", "If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert "Accept" in again.headers["Vary"]
    page = client.get("/id/org/cigit", headers={"Accept": "text/html"})
    assert page.headers["ETag"] != etag  # one ETag per representation
    assert client.get("/id/org/cigit", headers={"Accept": "text/html", "If-None-Match": etag}).status_code == 200
    assert client.get("/id/org/cigit.ttl", headers={"If-None-Match": etag}).status_code == 304


def test_vary_link_and_content_location(client):
    response = client.get("/id/org/cigit", headers={"Accept": "text/turtle"})
    assert "Accept" in response.headers["Vary"]
    links = {(link["url"], link["type"]) for link in _links(response.headers["Link"])}
    assert ("/id/org/cigit.ttl", "text/turtle") in links and ("/id/org/cigit.html", "text/html") in links
    assert ("/id/org/cigit.jsonld", "application/ld+json") in links and len(links) == 7
    assert response.headers["Content-Location"] == "/id/org/cigit.ttl"
    ontology = {link["url"] for link in _links(client.get("/def/").headers["Link"])}
    assert "/def.ttl" in ontology


def _links(header: str) -> list[dict]:
    """The Link header parsed by werkzeug's parameter parser (one dict per link)."""
    from werkzeug.http import parse_list_header, parse_options_header
    parsed = []
    for item in parse_list_header(header):
        url, options = parse_options_header(item)
        parsed.append({"url": url.strip("<>"), **options})
    return parsed


def test_head_answers_without_a_body(client):
    response = client.head("/id/org/cigit", headers={"Accept": "text/turtle"})
    assert response.status_code == 200 and response.data == b""


def test_shorten_takes_the_longest_namespace(minted):
    """shorten's one-lookup path answers as the scan over every prefix does (the longest namespace wins)."""
    from cqkg.namespaces import PREFIXES, shorten
    samples = minted + ["https://schema.org/foo/bar", "http://www.w3.org/2000/01/rdf-schema#label", "http://example.org/x"]
    for iri in samples:
        covering = [item for item in PREFIXES.items() if iri.startswith(item[1])]
        name, namespace = max(covering, key=lambda item: len(item[1])) if covering else (None, None)
        assert shorten(iri) == (f"{name}:{iri[len(namespace):]}" if name else None), iri
