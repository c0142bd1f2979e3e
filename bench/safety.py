"""Hostile-load benchmarks of the default configuration: runaway queries among cheap ones, cache inflation, memory.

``python -m bench.safety`` prints the section; ``python -m bench`` includes it in
docs/benchmarks.md. Every figure comes from one run on loopback:

- **fairness**: 32 clients for 30 s, 4 of them sending CPU-bound runaway queries (one
  at a time each, from their own loopback address), the others cheap uncached
  lookups; plus a /healthz probe every 100 ms. Reported: cheap p50/p99, /healthz
  p50/p99/max, answers per status;
- **cache inflation**: 200 distinct 1 MB POSTs (a valid query plus a long comment);
  server memory before and after;
- **memory cap**: the runaway ORDER BY query of the probe; time to its 503 and the
  worker's memory at the end.
"""

from __future__ import annotations

import http.client
import threading
import time
import urllib.parse
from collections import Counter
from pathlib import Path

from bench.servers import start

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
MEMORY_HOG = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?a ?l"
CHEAP = "SELECT ?label WHERE {{ <https://w3id.org/cqkg/id/org/cigit> rdfs:label ?label }} LIMIT {n}"


def _request(base: str, method: str, path: str, body: bytes | None = None, source: str = "127.0.0.1",
             headers: dict | None = None, timeout: float = 60) -> tuple[int, float]:
    host, port = base.removeprefix("http://").split(":")
    started = time.perf_counter()
    connection = http.client.HTTPConnection(host, int(port), timeout=timeout, source_address=(source, 0))
    try:
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        response.read()
        return response.status, time.perf_counter() - started
    except OSError:
        return 0, time.perf_counter() - started
    finally:
        connection.close()


def _percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] * 1000 if ordered else float("nan")


def fairness(build_dir: Path, seconds: float = 30, clients: int = 32, runaways: int = 4) -> dict:
    """Cheap-query and /healthz latencies while ``runaways`` of ``clients`` send runaway queries."""
    server = start("cqkg-oxigraph-uncached", build_dir)
    base = server.sparql.removesuffix("/sparql")
    stop = time.monotonic() + seconds
    cheap, health, statuses = [], [], Counter()
    lock = threading.Lock()

    def client(index: int) -> None:
        source = f"127.0.0.{10 + index}"
        n = 0
        while time.monotonic() < stop:
            n += 1
            query = RUNAWAY if index < runaways else CHEAP.format(n=1000 + n * clients + index)
            status, elapsed = _request(base, "GET", "/sparql?" + urllib.parse.urlencode({"query": query}), source=source)
            with lock:
                statuses["runaway" if index < runaways else "cheap", status] += 1
                if index >= runaways and status == 200:
                    cheap.append(elapsed)

    def probe() -> None:
        while time.monotonic() < stop:
            status, elapsed = _request(base, "GET", "/healthz", source="127.0.0.200")
            health.append(elapsed if status == 200 else float("inf"))
            time.sleep(0.1)

    threads = [threading.Thread(target=client, args=(i,)) for i in range(clients)] + [threading.Thread(target=probe)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    server.stop()
    return {"cheap": cheap, "health": health, "statuses": statuses, "seconds": seconds,
            "clients": clients, "runaways": runaways}


def cache_inflation(build_dir: Path, posts: int = 200, size: int = 1_000_000) -> dict:
    """Server memory before and after ``posts`` distinct POSTs of ``size`` bytes each."""
    server = start("cqkg-oxigraph-cached", build_dir)
    base = server.sparql.removesuffix("/sparql")
    before = server.rss_bytes()
    started = time.perf_counter()
    for i in range(posts):
        body = (f"ASK {{}} # {i} ".ljust(size - 10, "x") + "\n").encode()
        _request(base, "POST", "/sparql", body, headers={"Content-Type": "application/sparql-query"})
    elapsed = time.perf_counter() - started
    after = server.rss_bytes()
    server.stop()
    return {"before": before, "after": after, "seconds": elapsed, "posts": posts, "size": size}


def memory_cap(build_dir: Path) -> dict:
    """Time for the probe's memory hog to be stopped, and its answer."""
    server = start("cqkg-oxigraph-uncached", build_dir)
    base = server.sparql.removesuffix("/sparql")
    peak = [0]
    done = threading.Event()

    def watch():
        while not done.is_set():
            peak[0] = max(peak[0], server.rss_bytes())
            time.sleep(0.05)

    watcher = threading.Thread(target=watch)
    watcher.start()
    status, elapsed = _request(base, "GET", "/sparql?" + urllib.parse.urlencode({"query": MEMORY_HOG}))
    done.set()
    watcher.join()
    server.stop()
    return {"status": status, "seconds": elapsed, "peak": peak[0]}


def report(build_dir: Path) -> list[str]:
    """The benchmark section, as Markdown lines."""
    fair = fairness(build_dir)
    inflation = cache_inflation(build_dir)
    hog = memory_cap(build_dir)
    cheap, health = fair["cheap"], [h for h in fair["health"] if h != float("inf")]
    statuses = ", ".join(f"{kind} {status or 'no answer'}: {n}" for (kind, status), n in sorted(fair["statuses"].items()))
    return [
        "## Under hostile load (default configuration)", "",
        f"- **Runaway queries among cheap ones**: {fair['clients']} clients for {fair['seconds']:.0f} s, "
        f"{fair['runaways']} of them sending CPU-bound runaway queries: {len(cheap)} cheap uncached lookups answered, "
        f"p50 {_percentile(cheap, 0.5):.1f} ms, p99 {_percentile(cheap, 0.99):.1f} ms; /healthz every 100 ms: "
        f"p50 {_percentile(health, 0.5):.1f} ms, p99 {_percentile(health, 0.99):.1f} ms, max {max(health) * 1000:.1f} ms "
        f"({len(fair['health']) - len(health)} unanswered). Answers: {statuses}.",
        f"- **Cache inflation**: {inflation['posts']} distinct {inflation['size'] / 1e6:.0f} MB POSTs in "
        f"{inflation['seconds']:.1f} s: server memory {inflation['before'] / 1e6:.0f} MB before, "
        f"{inflation['after'] / 1e6:.0f} MB after.",
        f"- **Memory cap** (1024 MiB per query): the probe's cartesian ORDER BY answered {hog['status']} after "
        f"{hog['seconds']:.1f} s; peak memory of the server and its workers {hog['peak'] / 1e6:.0f} MB.", "",
    ]


if __name__ == "__main__":
    from cqkg.build.pipeline import ensure_built
    from cqkg.settings import Settings

    settings = Settings.from_env()
    ensure_built(settings.root, settings.build_dir, log=print)
    print("\n".join(report(settings.build_dir)))
