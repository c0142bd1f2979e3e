"""A bounded fuzz run against the real server: hostile requests never get a 5xx but 503, and change nothing.

About 3,000 requests generated (with a fixed seed) from the shapes the probe used:
SERVICE spellings, deep nesting, updates in disguise, mutated queries, bad
parameters, charsets and methods, odd headers, and reconciliation input. Afterwards
the server is alive and answers the reference questions as before.
"""

from __future__ import annotations

import http.client
import json
import random
import urllib.parse
from concurrent.futures import ThreadPoolExecutor

import pytest

from conftest import fetch, live_server

SEED = 20261129
REQUESTS = 3000
REFERENCE = [
    "SELECT ?label WHERE { <https://w3id.org/cqkg/id/org/cigit> rdfs:label ?label } ORDER BY ?label",
    "SELECT (COUNT(*) AS ?n) WHERE { ?s a cq:Organisation }",
    "ASK { cqplace:chongqing a cq:Municipality }",
]
SEEDS = REFERENCE + [
    "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }",
    "SELECT * WHERE { SERVICE SILENT ?e { ?s ?p ?o } }",
    "PREFIX é: <http://127.0.0.1:9/> SELECT * WHERE { SERVICE é: { ?s ?p ?o } }",
    "INSERT DATA { <a:s> <a:p> <a:o> }",
    "LOAD <http://127.0.0.1:9/x>",
    "SELECT * FROM <http://127.0.0.1:9/> WHERE { ?s ?p ?o } LIMIT 3",
    "CONSTRUCT { ?s ?p ?o } WHERE { GRAPH ?g { ?s ?p ?o } } LIMIT 20",
    "DESCRIBE cqorg:cigit",
    "SELECT ?t WHERE { BIND(<<( <a:s> <a:p> <a:o> )>> AS ?t) }",
    'SELECT * WHERE { ?s rdfs:label ?l FILTER(REGEX(?l, "(a+)+$")) } LIMIT 5',
    "SELECT * WHERE { ?s (rdfs:label|^rdfs:label)* ?o } LIMIT 5",
]
TOKENS = ["{", "}", "(", ")", "[", "]", "<", ">", "\"", "'", "#", "\\", "\\u0053", "SERVICE", "SILENT", "?x",
          "!", "^", "/", "|", "*", "FILTER(", "EXISTS", "UNION", "OPTIONAL", "\n", "\x00", "\ufffd", "é", "重庆"]


def mutate(rng: random.Random, text: str) -> str:
    """One random edit of ``text``: insert, delete, duplicate or repeat a token."""
    choice = rng.randrange(5)
    at = rng.randrange(len(text) + 1)
    if choice == 0:
        return text[:at] + rng.choice(TOKENS) + text[at:]
    if choice == 1:
        return text[:at] + text[at + rng.randrange(1, 8):]
    if choice == 2:
        return text[:at] + text[at:at + 12] * rng.randrange(2, 6) + text[at:]
    if choice == 3:
        token = rng.choice("{(![")
        depth = rng.choice([50, 150, 3000])
        return text[:at] + token * depth + text[at:]
    return text.upper() if rng.random() < 0.5 else text.lower()


def requests(rng: random.Random) -> list[tuple]:
    """(method, path, body, headers) for every fuzz request."""
    out = []
    for _ in range(REQUESTS):
        query = rng.choice(SEEDS)
        for _ in range(rng.randrange(0, 4)):
            query = mutate(rng, query)
        kind = rng.randrange(10)
        if kind < 4:
            params = {"query": query}
            if rng.random() < 0.2:
                params[rng.choice(["default-graph-uri", "named-graph-uri", "format"])] = rng.choice(
                    ["not an iri", "https://w3id.org/cqkg/graph/curated", "x" * 3000, "json", "ttl", "nope"])
            out.append(("GET", "/sparql?" + urllib.parse.urlencode(params), None, {}))
        elif kind < 6:
            body = query.encode("utf-8", "surrogatepass")
            charset = rng.choice(["", "; charset=utf-8", "; charset=utf-16", "; charset=latin-1", "; charset=nope"])
            if rng.random() < 0.1:
                body += b"\xff\xfe\x80"
            out.append(("POST", "/sparql", body, {"Content-Type": "application/sparql-query" + charset}))
        elif kind < 7:
            out.append(("POST", "/sparql", urllib.parse.urlencode({"query": query}).encode(),
                        {"Content-Type": "application/x-www-form-urlencoded",
                         "Accept": rng.choice(["*/*", "text/csv;q=0.5, application/json", "image/png", ";;;", "a" * 500])}))
        elif kind < 8:
            out.append((rng.choice(["HEAD", "PUT", "DELETE", "OPTIONS", "PATCH"]), "/sparql?query=" +
                        urllib.parse.quote(query), None, {"Origin": "https://example.org"}))
        elif kind < 9:
            batch = {f"q{i}": {"query": mutate(rng, "Chongqing University"),
                               "limit": rng.choice([3, "abc", [1], None, -1, 10**30]),
                               "type": rng.choice([None, "Enterprise", ["Place", 5], {}])} for i in range(rng.randrange(1, 6))}
            body = urllib.parse.urlencode({"queries": json.dumps(batch)[: rng.choice([10**6, 40])]}).encode()
            out.append(("POST", "/reconcile", body, {"Content-Type": "application/x-www-form-urlencoded"}))
        else:
            path = rng.choice(["/reconcile/suggest/entity?prefix=" + urllib.parse.quote(mutate(rng, "chong")) +
                               "&limit=" + rng.choice(["3", "abc", "-1", "1e309"]),
                               "/reconcile/preview?id=" + urllib.parse.quote(mutate(rng, "org/cigit")),
                               "/dumps/" + "a" * rng.choice([10, 5000]), "/healthz", "/.well-known/void",
                               "/%00", "/sparql?" + "&".join(["query=ASK{}"] * 2)])
            out.append(("GET", path, None, {}))
    return out


@pytest.fixture(scope="module")
def target(build_dir, tmp_path_factory):
    with live_server(build_dir, tmp_path_factory.mktemp("fuzz"), query_timeout=2, query_memory_mb=400,
                     max_client_queries=64, max_rows=200) as live:
        yield live


def send(base: str, method: str, path: str, body, headers) -> int:
    host, port = base.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


def reference_answers(server) -> list[bytes]:
    return [fetch(server.sparql + "?" + urllib.parse.urlencode({"query": q}),
                  headers={"Accept": "application/sparql-results+json"}).body for q in REFERENCE]


def test_fuzz_run_gets_no_server_error_and_changes_nothing(target):
    before = reference_answers(target)
    generated = requests(random.Random(SEED))
    with ThreadPoolExecutor(max_workers=8) as pool:
        statuses = list(pool.map(lambda r: (r, send(target.base, *r)), generated))
    failures = [(r[0], r[1][:200], status) for r, status in statuses if status >= 500 and status != 503]
    assert not failures, failures[:10]
    assert fetch(target.base + "/healthz").status == 200
    assert reference_answers(target) == before
    assert target.process.poll() is None
