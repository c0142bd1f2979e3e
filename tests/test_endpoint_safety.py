"""A public, anonymous endpoint stays read-only, closed and alive: every error case against a live server.

This module runs its own server with tight limits: 2 workers, a 2 s time limit,
one query at a time per client, 500 rows, 20 kB requests, and the shared test
server as the only allowed SERVICE endpoint.
"""

from __future__ import annotations

import http.client
import os
import signal
import socket
import threading
import time
import urllib.parse
from pathlib import Path

import pytest

from conftest import fetch, live_server

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
CHEAP = "ASK { <https://w3id.org/cqkg/id/org/cigit> ?p ?o }"
TIME_LIMIT = 2.0


@pytest.fixture(scope="module")
def tight(build_dir, tmp_path_factory, server):
    with live_server(build_dir, tmp_path_factory.mktemp("tight"), fronts=1, workers=2, max_workers=2,
                     query_timeout=TIME_LIMIT, cache_entries=0,
                     max_client_queries=1, max_rows=500, max_request_bytes=20000,
                     service_allowlist=server.sparql) as live:
        yield live


def get(server, query, **params):
    return fetch(server.sparql + "?" + urllib.parse.urlencode({"query": query, **params}))


def get_from(source_ip: str, server, query: str):
    """GET a query from another loopback address (another client, as far as the server can tell)."""
    host, port = server.base.removeprefix("http://").split(":")
    conn = http.client.HTTPConnection(host, int(port), timeout=30, source_address=(source_ip, 0))
    try:
        conn.request("GET", "/sparql?" + urllib.parse.urlencode({"query": query}))
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def children(pid: int) -> list[int]:
    try:
        return [int(child) for child in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except FileNotFoundError:
        return []


def worker_pids(server) -> list[int]:
    """The query workers: the processes the fork server (a child of the server process) started."""
    forkservers = [pid for pid in children(server.process.pid)
                   if b"forkserver" in Path(f"/proc/{pid}/cmdline").read_bytes()]
    return [worker for forkserver in forkservers for worker in children(forkserver)]


def cpu_ticks(pid: int) -> int:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0
    return int(fields[11]) + int(fields[12])


def busy_workers(server, window: float = 0.2) -> list[int]:
    """The query workers that used CPU during a ``window``-second sample."""
    before = {pid: cpu_ticks(pid) for pid in worker_pids(server)}
    time.sleep(window)  # a sampling window, not a synchronisation
    return [pid for pid, ticks in before.items() if cpu_ticks(pid) - ticks > 5]


def wait_for_busy_worker(server, deadline: float = 10) -> list[int]:
    """Wait until a query worker is running a query; return the busy ones."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        busy = busy_workers(server)
        if busy:
            return busy
    raise AssertionError("no query worker started the query")


def wait_healthy(server, deadline: float = 10) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if get(server, CHEAP).status == 200:
            return
        time.sleep(0.2)
    raise AssertionError("server did not recover")


def test_malformed_query_is_400_with_message_and_position(tight):
    answer = get(tight, "SELECT ?x WHERE { ?x ?p }")
    assert answer.status == 400
    error = answer.json()["error"]
    assert error["status"] == 400 and error["title"] == "QueryError"
    assert error["detail"].startswith("malformed query: error at 1:")


@pytest.mark.parametrize("how", ["query text", "GET update", "form update", "sparql-update body", "LOAD"])
def test_updates_are_refused_and_never_run(tight, how):
    insert = "INSERT DATA { <urn:cqkg:test> <urn:cqkg:p> <urn:cqkg:o> }"
    if how == "query text":
        answer = get(tight, insert)
    elif how == "GET update":
        answer = fetch(tight.sparql + "?" + urllib.parse.urlencode({"update": insert}))
    elif how == "form update":
        answer = fetch(tight.sparql, data=urllib.parse.urlencode({"update": insert}).encode(),
                       headers={"Content-Type": "application/x-www-form-urlencoded"})
    elif how == "sparql-update body":
        answer = fetch(tight.sparql, data=insert.encode(), headers={"Content-Type": "application/sparql-update"})
    else:
        answer = get(tight, "LOAD <http://127.0.0.1:9/data.ttl>")
    assert answer.status == 403 and "read-only" in answer.json()["error"]["detail"]
    assert get(tight, "ASK { <urn:cqkg:test> ?p ?o }").json()["boolean"] is False


def test_missing_repeated_and_empty_query_are_400(tight):
    form = {"Content-Type": "application/x-www-form-urlencoded"}
    assert fetch(tight.sparql, data=b"format=json", headers=form).status == 400
    repeated = fetch(tight.sparql + "?" + urllib.parse.urlencode([("query", CHEAP), ("query", CHEAP)]))
    assert repeated.status == 400 and "exactly one 'query'" in repeated.json()["error"]["detail"]
    assert get(tight, "   ").status == 400


def test_unsupported_media_type_is_415(tight):
    answer = fetch(tight.sparql, data=CHEAP.encode(), headers={"Content-Type": "text/plain"})
    assert answer.status == 415 and answer.json()["error"]["status"] == 415


def test_request_body_over_the_cap_is_413(tight):
    big = "ASK { ?s ?p ?o } #" + "x" * 30000
    answer = fetch(tight.sparql, data=big.encode(), headers={"Content-Type": "application/sparql-query"})
    assert answer.status == 413 and answer.json()["error"]["status"] == 413


def test_results_over_the_row_cap_are_cut_off_and_flagged(tight):
    answer = get(tight, "SELECT * WHERE { ?s ?p ?o }")
    assert answer.status == 200
    assert len(answer.json()["results"]["bindings"]) == 500
    assert answer.headers["X-CQKG-Truncated"] == "true" and "truncated" in answer.headers["Warning"]
    small = get(tight, "SELECT * WHERE { ?s ?p ?o } LIMIT 10")
    assert "X-CQKG-Truncated" not in small.headers


def test_service_to_an_unlisted_endpoint_makes_no_connection(tight):
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    listener.settimeout(1.5)
    port = listener.getsockname()[1]
    try:
        answer = get(tight, f"SELECT * WHERE {{ SERVICE <http://127.0.0.1:{port}/sparql> {{ ?s ?p ?o }} }}")
        assert answer.status == 403 and "allow-list" in answer.json()["error"]["detail"]
        with pytest.raises(socket.timeout):
            listener.accept()
    finally:
        listener.close()


def test_service_with_a_variable_endpoint_is_refused(tight):
    answer = get(tight, "SELECT * WHERE { VALUES ?e { <http://127.0.0.1:9/> } SERVICE ?e { ?s ?p ?o } }")
    assert answer.status == 403 and "variable" in answer.json()["error"]["detail"]


def test_service_to_an_allowed_endpoint_federates(tight, server):
    query = f"""SELECT ?label WHERE {{
        SERVICE <{server.sparql}> {{ <https://w3id.org/cqkg/id/org/cigit> <http://www.w3.org/2000/01/rdf-schema#label> ?label }}
        FILTER(LANG(?label) = "zh") }}"""
    answer = get(tight, query)
    assert answer.status == 200, answer.text
    assert [b["label"]["value"] for b in answer.json()["results"]["bindings"]] == ["中国科学院重庆绿色智能技术研究院"]


def test_runaway_query_is_stopped_while_others_are_answered(tight):
    outcome = {}

    def run_away():
        started = time.monotonic()
        outcome["answer"] = get(tight, RUNAWAY)
        outcome["seconds"] = time.monotonic() - started

    thread = threading.Thread(target=run_away)
    thread.start()
    runaway_workers = wait_for_busy_worker(tight)
    started = time.monotonic()
    status, body = get_from("127.0.0.2", tight, CHEAP)  # another client, while the runaway runs
    assert status == 200 and b"true" in body
    assert time.monotonic() - started < 1.0
    thread.join(timeout=TIME_LIMIT + 5)
    answer = outcome["answer"]
    assert answer.status == 503 and "time limit" in answer.json()["error"]["detail"]
    assert answer.headers["Retry-After"]
    assert outcome["seconds"] < TIME_LIMIT + 1.0
    # The worker that ran it was killed: it burns no CPU any more. (Its replacement, starting
    # now, may: only the runaway's own process is checked.)
    before = {pid: cpu_ticks(pid) for pid in runaway_workers}
    time.sleep(0.5)  # a sampling window, not a synchronisation
    assert all(cpu_ticks(pid) - ticks <= 5 for pid, ticks in before.items())  # gone (0), or idle
    wait_healthy(tight)


def test_too_many_queries_from_one_client_get_429(tight):
    thread = threading.Thread(target=lambda: get(tight, RUNAWAY))
    thread.start()
    wait_for_busy_worker(tight)
    answer = get(tight, CHEAP)
    assert answer.status == 429 and answer.headers["Retry-After"] == "1"
    assert answer.json()["error"]["status"] == 429
    thread.join(timeout=TIME_LIMIT + 5)
    wait_healthy(tight)


def test_engine_failure_is_500_logged_and_the_server_lives_on(tight):
    wait_healthy(tight)
    outcome = {}
    thread = threading.Thread(target=lambda: outcome.setdefault("answer", get(tight, RUNAWAY)))
    thread.start()
    busy = wait_for_busy_worker(tight)
    assert len(busy) == 1, busy
    os.kill(busy[0], signal.SIGKILL)
    thread.join(timeout=10)
    answer = outcome["answer"]
    assert answer.status == 500 and answer.json()["error"]["title"] == "EngineFailure"
    assert "EngineFailure" in tight.log()
    wait_healthy(tight)
