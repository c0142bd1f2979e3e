"""Federated queries for real: a second SPARQL server (Oxigraph's, on loopback) holds a Wikidata-like fixture,
and cqkg's endpoint, with that server on its SERVICE allow-list, joins its own graph with it.

Every query in queries/federated/ is run with Wikidata's endpoint IRI replaced by the fixture server's.
"""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from conftest import fetch, live_server, oxigraph_binary, oxigraph_server, sparql_json_rows

ROOT = Path(__file__).resolve().parent.parent
WIKIDATA = "https://query.wikidata.org/sparql"


@pytest.fixture(scope="module")
def wikidata_like(tmp_path_factory):
    """Oxigraph's server on loopback holding tests/fixtures/federation/wikidata-sample.nt."""
    folder = tmp_path_factory.mktemp("wikidata-like")
    subprocess.run([oxigraph_binary(), "load", "--location", str(folder / "data"), "--file",
                    str(ROOT / "tests" / "fixtures" / "federation" / "wikidata-sample.nt")], check=True,
                   capture_output=True)
    with oxigraph_server(folder, read_only=True) as base:
        yield base + "/query"


@pytest.fixture(scope="module")
def federating(build_dir, wikidata_like, tmp_path_factory):
    with live_server(build_dir, tmp_path_factory.mktemp("federating"), service_allowlist=wikidata_like) as server:
        yield server


def run(server, text: str):
    return fetch(server.sparql, data=text.encode(), headers={"Content-Type": "application/sparql-query"})


def test_federated_join_through_ror_ids(federating, wikidata_like):
    text = (ROOT / "queries" / "federated" / "wikidata-inception-by-ror.rq").read_text(encoding="utf-8")
    answer = run(federating, text.replace(WIKIDATA, wikidata_like))
    assert answer.status == 200, answer.text
    rows = sparql_json_rows(answer.body)
    assert [(r["name"], r["item"].rsplit("/", 1)[1], r["inception"], r["coordinates"]) for r in rows] == [
        ("Chongqing University", "Q990000001", "1929-01-01T00:00:00Z", "Point(106.46 29.57)"),
        ("Southwest University", "Q990000002", None, None),
    ]


def test_every_federated_query_runs_against_the_fixture(federating, wikidata_like):
    queries = sorted((ROOT / "queries" / "federated").glob("*.rq"))
    assert queries
    for path in queries:
        text = path.read_text(encoding="utf-8")
        assert WIKIDATA in text and text.startswith("# title: ")
        answer = run(federating, text.replace(WIKIDATA, wikidata_like))
        assert answer.status == 200 and sparql_json_rows(answer.body), path.name


def test_the_real_wikidata_endpoint_is_refused_unless_allowed(federating):
    text = (ROOT / "queries" / "federated" / "wikidata-inception-by-ror.rq").read_text(encoding="utf-8")
    answer = run(federating, text)
    assert answer.status == 403 and WIKIDATA in answer.json()["error"]["detail"]
