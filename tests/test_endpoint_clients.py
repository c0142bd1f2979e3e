"""Real SPARQL clients against the live endpoint: SPARQLWrapper in every format, rdflib's SPARQLStore."""

from __future__ import annotations

import pytest
from rdflib import Graph, Literal, URIRef
from rdflib.plugins.stores.sparqlstore import SPARQLStore
from SPARQLWrapper import CSV, JSON, JSONLD, N3, TSV, TURTLE, XML, SPARQLWrapper

CIGIT = "https://w3id.org/cqkg/id/org/cigit"
SELECT = f"SELECT ?label WHERE {{ <{CIGIT}> <http://www.w3.org/2000/01/rdf-schema#label> ?label }} ORDER BY ?label"
CONSTRUCT = f"CONSTRUCT WHERE {{ <{CIGIT}> ?p ?o }}"


def client(server, query, fmt, method="GET"):
    wrapper = SPARQLWrapper(server.sparql)
    wrapper.setQuery(query)
    wrapper.setReturnFormat(fmt)
    wrapper.setMethod(method)
    return wrapper.query()


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_sparqlwrapper_select_json(server, method):
    result = client(server, SELECT, JSON, method).convert()
    assert [b["label"]["value"] for b in result["results"]["bindings"]] == [
        "Chongqing Institute of Green and Intelligent Technology, Chinese Academy of Sciences",
        "中国科学院重庆绿色智能技术研究院"]


def test_sparqlwrapper_select_xml_csv_tsv(server):
    xml = client(server, SELECT, XML).convert()
    assert len(xml.getElementsByTagName("result")) == 2
    csv_text = client(server, SELECT, CSV).convert().decode("utf-8")
    assert csv_text.splitlines()[0] == "label" and "中国科学院重庆绿色智能技术研究院" in csv_text
    tsv_text = client(server, SELECT, TSV).convert().decode("utf-8")
    assert tsv_text.splitlines()[0] == "?label"


def test_sparqlwrapper_ask(server):
    assert client(server, f"ASK {{ <{CIGIT}> a ?type }}", JSON).convert()["boolean"] is True
    xml = client(server, "ASK { <urn:nothing> ?p ?o }", XML).convert()
    assert xml.getElementsByTagName("boolean")[0].firstChild.data == "false"


@pytest.mark.parametrize("fmt", [TURTLE, N3, XML, JSONLD])
@pytest.mark.filterwarnings("ignore:ConjunctiveGraph is deprecated:DeprecationWarning")  # inside rdflib's JSON-LD parser
def test_sparqlwrapper_construct(server, fmt):
    result = client(server, CONSTRUCT, fmt).convert()
    graph = result if isinstance(result, Graph) else Graph().parse(data=result, format="turtle")
    assert (URIRef(CIGIT), URIRef("https://w3id.org/cqkg/def/foundingYear"),
            Literal("2011", datatype=URIRef("http://www.w3.org/2001/XMLSchema#gYear"))) in graph


def test_rdflib_sparqlstore(server):
    store = SPARQLStore(server.sparql, returnFormat="json")
    graph = Graph(store=store)
    rows = list(graph.query("""
        SELECT ?code WHERE { <https://w3id.org/cqkg/id/place/yuzhong-district> <https://w3id.org/cqkg/def/divisionCode> ?code }"""))
    assert [str(row[0]) for row in rows] == ["500103"]
    assert graph.query(f"ASK {{ <{CIGIT}> ?p ?o }}").askAnswer is True
