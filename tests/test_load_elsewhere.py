"""The release loaded into other stores as docs/loading.md says: Oxigraph and Virtuoso give cqkg's answers.

Each store is started here on loopback, loaded with the release's ``cqkg-all.nq.gz``
by the recipe of docs/loading.md, and then holds our default graph and our named
graphs and answers every query of ``queries/`` as cqkg does. ``cqkg publish`` is
tested against Virtuoso's Graph Store endpoint, and the remote engine answers from
Virtuoso. Virtuoso's answers are compared after undoing its documented deviations
(``virtuoso_server.comparable_rows``); Oxigraph's are compared as they are.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pyoxigraph as ox
import pytest

from cqkg.namespaces import STORE_DEFAULT_GRAPH
from cqkg.query.engines import QueryRequest, make_engine
from cqkg.release.folder import release
from conftest import ROOT, fetch, normalized_rows, oxigraph_binary, oxigraph_server
from virtuoso_server import comparable_rows, virtuoso_server

QUERIES = sorted((ROOT / "queries").glob("*.rq")) + sorted((ROOT / "queries" / "checks").glob("*-violation.rq"))
DUMP = "cqkg-all.nq.gz"
DEFAULT_GRAPH_TRIPLES = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
NAMED_GRAPH_QUADS = "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } }"
GRAPH_SIZES = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"


@pytest.fixture(scope="module")
def release_dir(build_dir, tmp_path_factory) -> Path:
    """The release as ``cqkg export`` writes it."""
    out = tmp_path_factory.mktemp("release")
    release(build_dir, out)
    return out


@pytest.fixture(scope="module")
def named_graphs(release_dir) -> dict[str, int]:
    """The release's named graphs and their sizes, as its VoID description lists them."""
    store = ox.Store()
    store.load(path=str(release_dir / "void.ttl"), format=ox.RdfFormat.TURTLE)
    rows = store.query("""PREFIX sd: <http://www.w3.org/ns/sparql-service-description#>
        PREFIX void: <http://rdfs.org/ns/void#>
        SELECT ?g ?n WHERE { ?graph a sd:NamedGraph ; sd:name ?g ; void:triples ?n }""")
    return {row["g"].value: int(row["n"].value) for row in rows}


@pytest.fixture(scope="module")
def cqkg_answer(build_dir):
    """A function: query text → cqkg's own SPARQL JSON answer (embedded store, no row limit in reach)."""
    engine = make_engine("oxigraph", build_dir)
    return lambda text: engine.execute(QueryRequest(text, max_rows=100_000)).body


# --- Oxigraph ----------------------------------------------------------------------------------------------

@pytest.fixture(scope="module", params=["oxigraph load", "POST /store"])
def oxigraph_endpoint(request, release_dir, tmp_path_factory):
    """Oxigraph's server holding the release, loaded by one of the two recipes; yields its query URL."""
    folder = tmp_path_factory.mktemp("oxigraph")
    if request.param == "oxigraph load":
        loaded = subprocess.run([oxigraph_binary(), "load", "--location", str(folder / "data"),
                                 "--file", str(release_dir / DUMP)], capture_output=True, text=True, timeout=120)
        assert loaded.returncode == 0, loaded.stderr
        with oxigraph_server(folder, read_only=True) as base:
            yield base + "/query"
    else:
        with oxigraph_server(folder) as base:
            posted = fetch(base + "/store", data=(release_dir / DUMP.removesuffix(".gz")).read_bytes(), method="POST",
                           headers={"Content-Type": "application/n-quads"})
            assert posted.status == 204, posted.text
            yield base + "/query"


def oxigraph_select(endpoint: str, query: str) -> bytes:
    answer = fetch(endpoint, data=query.encode(), headers={"Content-Type": "application/sparql-query",
                                                            "Accept": "application/sparql-results+json"})
    assert answer.status == 200, answer.text
    return answer.body


def test_oxigraph_holds_our_default_graph_and_named_graphs(oxigraph_endpoint, cqkg_answer, named_graphs):
    for query in (DEFAULT_GRAPH_TRIPLES, NAMED_GRAPH_QUADS):
        assert normalized_rows(oxigraph_select(oxigraph_endpoint, query)) == normalized_rows(cqkg_answer(query))
    sizes = ox.parse_query_results(oxigraph_select(oxigraph_endpoint, GRAPH_SIZES), format=ox.QueryResultsFormat.JSON)
    assert {row["g"].value: int(row["n"].value) for row in sizes} == named_graphs


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_every_query_answers_on_oxigraph_as_on_cqkg(oxigraph_endpoint, cqkg_answer, path):
    text = path.read_text(encoding="utf-8")
    assert normalized_rows(oxigraph_select(oxigraph_endpoint, text)) == normalized_rows(cqkg_answer(text))


# --- Virtuoso: the bulk loader -----------------------------------------------------------------------------

@pytest.fixture(scope="module")
def virtuoso(release_dir, tmp_path_factory):
    """Virtuoso loaded with the release by docs/loading.md's bulk-loader recipe."""
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso"), dirs_allowed=[release_dir]) as server:
        server.isql(f"ld_dir('{release_dir}', '{DUMP}', '{STORE_DEFAULT_GRAPH}');", "rdf_loader_run();", "checkpoint;")
        yield server


def test_virtuoso_holds_our_default_graph_and_named_graphs(virtuoso, cqkg_answer, named_graphs):
    for query in (DEFAULT_GRAPH_TRIPLES, NAMED_GRAPH_QUADS):
        answer = virtuoso.select(query, [STORE_DEFAULT_GRAPH], named_graphs)
        assert comparable_rows(answer) == comparable_rows(cqkg_answer(query)), query
    sizes = ox.parse_query_results(virtuoso.select(GRAPH_SIZES, [STORE_DEFAULT_GRAPH], named_graphs),
                                   format=ox.QueryResultsFormat.JSON)
    assert {row["g"].value: int(row["n"].value) for row in sizes} == named_graphs


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_every_query_answers_on_virtuoso_as_on_cqkg(virtuoso, cqkg_answer, named_graphs, path):
    text = path.read_text(encoding="utf-8")
    answer = virtuoso.select(text, [STORE_DEFAULT_GRAPH], named_graphs)
    assert comparable_rows(answer, path.name) == comparable_rows(cqkg_answer(text), path.name)


def test_a_server_wide_default_graph_serves_queries_that_name_no_default_graph(virtuoso, cqkg_answer, named_graphs):
    virtuoso.isql(f"INSERT INTO DB.DBA.SYS_SPARQL_HOST (SH_HOST, SH_GRAPH_URI) VALUES ('*', '{STORE_DEFAULT_GRAPH}');")
    try:
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        assert comparable_rows(virtuoso.select(count)) == comparable_rows(cqkg_answer(count))
        for path in QUERIES:  # GRAPH patterns still need the named graphs given
            text = path.read_text(encoding="utf-8")
            answer = virtuoso.select(text, named_graphs=named_graphs)
            assert comparable_rows(answer, path.name) == comparable_rows(cqkg_answer(text), path.name), path.name
    finally:
        virtuoso.isql("DELETE FROM DB.DBA.SYS_SPARQL_HOST WHERE SH_HOST = '*';")


def test_remote_engine_answers_from_virtuoso_as_cqkg(virtuoso, build_dir, cqkg_answer):
    remote = make_engine("remote", build_dir, endpoint=virtuoso.sparql)
    for path in QUERIES:
        text = path.read_text(encoding="utf-8")
        answer = remote.execute(QueryRequest(text, max_rows=100_000)).body
        assert comparable_rows(answer, path.name) == comparable_rows(cqkg_answer(text), path.name), path.name


# --- Virtuoso: cqkg publish --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def published(build_dir, cli, tmp_path_factory):
    """An empty Virtuoso, then ``cqkg publish`` to its Graph Store endpoint (digest authentication)."""
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso-published")) as server:
        result = cli("publish", "--to", server.graph_store, build_dir=build_dir)
        assert result.returncode == 0, result.stderr
        yield server, result


def graph_sizes(server, named_graphs) -> dict[str, int]:
    rows = ox.parse_query_results(server.select(GRAPH_SIZES, named_graphs=named_graphs),
                                  format=ox.QueryResultsFormat.JSON)
    return {row["g"].value: int(row["n"].value) for row in rows}


def test_publish_to_virtuoso_replaces_every_graph(published, named_graphs):
    server, result = published
    assert result.stdout.strip() == f"published {len(named_graphs)} graphs to {server.graph_store.replace('dba:dba@', '')}"
    assert "dba:dba" not in result.stdout + result.stderr
    assert graph_sizes(server, named_graphs) == named_graphs


def test_remote_engine_answers_from_the_published_virtuoso_as_cqkg(published, build_dir, cqkg_answer):
    remote = make_engine("remote", build_dir, endpoint=published[0].sparql)
    for path in QUERIES:
        text = path.read_text(encoding="utf-8")
        answer = remote.execute(QueryRequest(text, max_rows=100_000)).body
        assert comparable_rows(answer, path.name) == comparable_rows(cqkg_answer(text), path.name), path.name


def test_publishing_to_virtuoso_twice_replaces_rather_than_adds(published, build_dir, cli, named_graphs):
    server = published[0]
    assert cli("publish", "--to", server.graph_store, build_dir=build_dir).returncode == 0
    assert graph_sizes(server, named_graphs) == named_graphs


def test_a_wrong_password_is_a_clear_error(published, build_dir, cli):
    result = cli("publish", "--to", published[0].graph_store.replace("dba:dba@", "dba:not-the-password@"),
                 build_dir=build_dir)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "answered 401" in result.stderr and "no graph was replaced" in result.stderr
    assert "not-the-password" not in result.stderr
