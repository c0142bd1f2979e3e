"""The query worker pool grows for slow queries only: a queue of quick ones never adds processes."""

import threading
import time
from pathlib import Path

import pytest

from cqkg.query.engines import QueryRequest
from cqkg.query.pool import WorkerPool

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
QUICK = "ASK { <https://w3id.org/cqkg/id/org/cigit> ?p ?o }"
#: About 5 ms in a worker: sixteen clients queued for one worker wait far longer than 50 ms.
MEDIUM = (Path(__file__).resolve().parent.parent / "queries" / "sentence-coverage.rq").read_text(encoding="utf-8")
RESULTS_JSON = "application/sparql-results+json"


def request(text: str) -> QueryRequest:
    return QueryRequest(query=text, results_type=RESULTS_JSON, graph_type=None, default_graphs=None,
                        named_graphs=None, max_rows=100)


@pytest.fixture()
def pool(build_dir):
    workers = WorkerPool("oxigraph", build_dir, size=1, max_size=3)
    yield workers
    workers.close()


def test_a_queue_of_quick_queries_does_not_grow_the_pool(pool):
    failures = []

    def ask_many():
        for _ in range(8):
            if not pool.execute(request(MEDIUM), time.monotonic() + 20).rows:
                failures.append("no rows")

    clients = [threading.Thread(target=ask_many) for _ in range(16)]
    for client in clients:
        client.start()
    for client in clients:
        client.join()
    assert not failures
    assert pool.local.live == 1  # sixteen clients queued for one worker; none of its queries was slow


def test_a_slow_query_makes_the_pool_grow_so_quick_ones_are_answered(pool):
    runaway = threading.Thread(target=lambda: pytest.raises(Exception, pool.execute, request(RUNAWAY),
                                                            time.monotonic() + 3))
    runaway.start()
    time.sleep(0.2)  # the runaway holds the only worker
    started = time.monotonic()
    assert b"true" in pool.execute(request(QUICK), time.monotonic() + 10).body
    assert time.monotonic() - started < 2.5 and pool.local.live == 2  # answered by a new worker, not after the runaway
    runaway.join()


@pytest.mark.parametrize("delay", [0.0, 0.03, 0.08, 0.15])
def test_closing_while_a_replacement_starts_is_clean(build_dir, caplog, monkeypatch, delay):
    """close() and the thread starting a replacement may both stop the same new worker: no error either way."""
    thread_errors = []
    monkeypatch.setattr(threading, "excepthook", lambda args: thread_errors.append(args.exc_value))
    pool = WorkerPool("oxigraph", build_dir, size=1, max_size=1)
    with pytest.raises(Exception):  # the time limit: the worker is killed and a replacement starts
        pool.execute(request(RUNAWAY), time.monotonic() + 0.3)
    time.sleep(delay)
    pool.close()
    time.sleep(1.0)  # the replacement thread finishes meanwhile
    assert thread_errors == []
    assert "could not start a query worker" not in caplog.text
