"""Publishing to a real external store (Oxigraph's server, started here on loopback) and answering from it."""

from __future__ import annotations

import http.server
import threading
import urllib.parse
from pathlib import Path

import pytest

from cqkg.query.engines import QueryRequest, make_engine
from cqkg.namespaces import DEFAULT_UNION
from conftest import fetch, free_port, live_server, normalized_rows, oxigraph_server

QUERIES = sorted((Path(__file__).resolve().parent.parent / "queries").glob("*.rq"))


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    """Oxigraph's own server on a free loopback port, with an empty read-write store."""
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as base:
        yield base


@pytest.fixture(scope="module")
def published(store, build_dir, cli):
    result = cli("publish", "--to", store + "/store", build_dir=build_dir)
    assert result.returncode == 0, result.stderr
    return result


def test_publish_replaces_every_graph(published, store, kg):
    assert f"published {len(kg.manifest['graphs'])} graphs" in published.stdout
    answer = fetch(store + "/query?" + urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}),
                   headers={"Accept": "application/sparql-results+json"})
    assert int(answer.json()["results"]["bindings"][0]["n"]["value"]) == sum(kg.manifest["graphs"].values())


def test_every_query_gives_the_same_answer_from_the_store(published, store, build_dir, kg):
    local = make_engine("oxigraph", build_dir)
    named = [("named-graph-uri", g) for g in kg.manifest["graphs"]]
    for path in QUERIES:
        text = path.read_text(encoding="utf-8")
        params = [("query", text)] + [("default-graph-uri", g) for g in DEFAULT_UNION] + named
        remote = fetch(store + "/query", data=urllib.parse.urlencode(params).encode(),
                       headers={"Content-Type": "application/x-www-form-urlencoded", "Accept": "application/sparql-results+json"})
        assert remote.status == 200, f"{path.name}: {remote.text}"
        assert normalized_rows(remote.body) == normalized_rows(local.execute(QueryRequest(text)).body), path.name


def test_publishing_twice_replaces_rather_than_adds(published, store, build_dir, cli, kg):
    assert cli("publish", "--to", store + "/store", build_dir=build_dir).returncode == 0
    answer = fetch(store + "/query?" + urllib.parse.urlencode({"query": "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"}),
                   headers={"Accept": "application/sparql-results+json"})
    assert int(answer.json()["results"]["bindings"][0]["n"]["value"]) == sum(kg.manifest["graphs"].values())


def test_unreachable_store_is_a_clear_error(build_dir, cli):
    result = cli("publish", "--to", f"http://127.0.0.1:{free_port()}/store", build_dir=build_dir)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "cannot reach" in result.stderr and "no graph was replaced" in result.stderr


def test_store_failing_midway_reports_what_was_replaced(build_dir, cli, kg):
    accepted = []

    class FlakyStore(http.server.BaseHTTPRequestHandler):
        def do_PUT(self):  # noqa: N802 — the http.server method name
            self.rfile.read(int(self.headers["Content-Length"]))
            if len(accepted) < 3:
                accepted.append(self.path)
                self.send_response(204)
                self.end_headers()
            else:
                body = b"disk full"
                self.send_response(500)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), FlakyStore)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        result = cli("publish", "--to", f"http://127.0.0.1:{server.server_address[1]}/store", build_dir=build_dir)
    finally:
        server.shutdown()
        server.server_close()
    assert result.returncode == 2
    assert "answered 500" in result.stderr and "disk full" in result.stderr
    assert f"3 of {len(kg.manifest['graphs'])} graphs were already replaced" in result.stderr


def test_endpoint_answers_from_the_remote_store(published, store, build_dir, tmp_path):
    local = make_engine("oxigraph", build_dir)
    with live_server(build_dir, tmp_path, engine="remote", remote_endpoint=store + "/query", workers=1) as server:
        assert fetch(server.base + "/healthz").json()["engine"] == "remote"
        for path in QUERIES:
            text = path.read_text(encoding="utf-8")
            answer = fetch(server.sparql, data=text.encode(), headers={"Content-Type": "application/sparql-query"})
            assert answer.status == 200, f"{path.name}: {answer.text}"
            assert normalized_rows(answer.body) == normalized_rows(local.execute(QueryRequest(text)).body), path.name
        # the same safety rules: no update, no unlisted SERVICE, parser errors are 400
        assert fetch(server.sparql + "?" + urllib.parse.urlencode({"query": "DROP ALL"})).status == 403
        service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
        assert fetch(server.sparql + "?" + urllib.parse.urlencode({"query": service})).status == 403
        bad = fetch(server.sparql + "?" + urllib.parse.urlencode({"query": "SELECT ?x WHERE { ?x }"}))
        assert bad.status == 400 and bad.json()["error"]["title"] == "QueryError"
