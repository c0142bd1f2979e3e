"""The two engines (embedded pyoxigraph and rdflib) give the same answer to every query in queries/."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cqkg.query.engines import QueryRequest, make_engine
from conftest import normalized_rows

QUERIES = sorted((Path(__file__).resolve().parent.parent / "queries").glob("*.rq")) + sorted(
    (Path(__file__).resolve().parent.parent / "queries" / "checks").glob("*.rq"))  # not federated/: it calls out


@pytest.fixture(scope="module")
def engines(build_dir):
    return {name: make_engine(name, build_dir) for name in ("oxigraph", "rdflib")}  # remote: test_publish.py


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_engines_agree(engines, path):
    request = QueryRequest(path.read_text(encoding="utf-8"))
    answers = {name: engine.execute(request) for name, engine in engines.items()}
    oxigraph, rdflib = normalized_rows(answers["oxigraph"].body), normalized_rows(answers["rdflib"].body)
    assert oxigraph == rdflib
    assert json.loads(answers["oxigraph"].body)["head"] == json.loads(answers["rdflib"].body)["head"]


def test_engines_agree_on_ask_and_construct(engines):
    ask = QueryRequest("ASK { cqorg:cigit cq:locatedIn cqplace:chongqing }")
    assert {engine.execute(ask).body for engine in engines.values()} == {b'{"head": {}, "boolean": true}'}
    construct = QueryRequest("CONSTRUCT WHERE { cqorg:cigit ?p ?o }", graph_type="application/n-triples")
    lines = {name: sorted(engine.execute(construct).body.decode().splitlines()) for name, engine in engines.items()}
    assert lines["oxigraph"] == lines["rdflib"] and len(lines["oxigraph"]) > 10


def test_server_runs_on_the_rdflib_engine(build_dir, tmp_path):
    from conftest import fetch, live_server, sparql_json_rows

    with live_server(build_dir, tmp_path, engine="rdflib", workers=1) as server:
        assert fetch(server.base + "/healthz").json()["engine"] == "rdflib"
        answer = fetch(server.sparql, data=b"SELECT ?code WHERE { cqplace:yubei-district cq:divisionCode ?code }",
                       headers={"Content-Type": "application/sparql-query"})
        assert sparql_json_rows(answer.body) == [{"code": "500112"}]


def test_a_query_is_given_the_predeclared_prefixes_it_names(kg):
    from cqkg.namespaces import QUERY_PREFIXES
    from cqkg.store import usable_prefixes

    text = "SELECT ?e ?l WHERE { ?e a cq:ResearchInstitute ; rdfs:label ?l } ORDER BY ?e ?l"
    given = usable_prefixes(text)
    assert given == {"cq": QUERY_PREFIXES["cq"], "rdfs": QUERY_PREFIXES["rdfs"]}
    assert usable_prefixes("SELECT * WHERE { ?s ?p ?o }") == {}
    assert usable_prefixes("SELECT * WHERE { ?s a c\\u0071:University }") == QUERY_PREFIXES  # escapes: all of them
    declared = "".join(f"PREFIX {name}: <{iri}>\n" for name, iri in given.items()) + text
    answer = kg.select(text)
    assert answer and answer == kg.select(declared)
