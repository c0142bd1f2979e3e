"""The query worker pool grows for slow queries only: a queue of quick ones never adds processes."""

import asyncio
import threading
import time
from pathlib import Path

import pytest

from cqkg import errors
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


# -- The same pool from an event loop (the served app's way in) --

def test_from_the_event_loop_a_queue_of_quick_queries_does_not_grow_the_pool(pool):
    async def clients():
        async def ask_many():
            return [(await pool.execute_async(request(MEDIUM), time.monotonic() + 20)).rows for _ in range(8)]
        return await asyncio.gather(*(ask_many() for _ in range(16)))

    assert all(all(rows) for rows in asyncio.run(clients()))
    assert pool.local.live == 1


def test_from_the_event_loop_a_slow_query_makes_the_pool_grow(pool):
    async def both():
        runaway = asyncio.ensure_future(pool.execute_async(request(RUNAWAY), time.monotonic() + 3))
        await asyncio.sleep(0.2)
        started = time.monotonic()
        quick = await pool.execute_async(request(QUICK), time.monotonic() + 10)
        waited = time.monotonic() - started
        with pytest.raises(errors.QueryTimeoutError):
            await runaway
        return quick, waited

    quick, waited = asyncio.run(both())
    assert b"true" in quick.body and waited < 2.5 and pool.local.live == 2


def test_from_the_event_loop_the_deadline_stops_a_query_and_its_worker(pool):
    worker_pids = {w.process.pid for w in pool._workers}
    with pytest.raises(errors.QueryTimeoutError):
        asyncio.run(pool.execute_async(request(RUNAWAY), time.monotonic() + 0.5))
    deadline = time.monotonic() + 2  # SIGKILL was sent; the kernel takes a moment to end the process
    while any(_running(pid) for pid in worker_pids) and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not any(_running(pid) for pid in worker_pids)


def _running(pid: int) -> bool:
    try:
        return "zombie" not in Path(f"/proc/{pid}/status").read_text()
    except FileNotFoundError:
        return False


def test_from_the_event_loop_a_client_gone_stops_its_query(pool):
    async def gone_after_a_while():
        await asyncio.sleep(0.3)

    started = time.monotonic()
    with pytest.raises(errors.ClientGone):
        asyncio.run(pool.execute_async(request(RUNAWAY), time.monotonic() + 20, gone_after_a_while))
    assert time.monotonic() - started < 5
    assert b"true" in pool.execute(request(QUICK), time.monotonic() + 20).body  # a replacement answers
