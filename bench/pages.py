"""Entity pages (HTML and Turtle) of a running cqkg server, loaded with wrk, uncached.

``python -m bench.pages`` starts the uncached configuration and prints the two rows;
``python -m bench`` adds them to the table of every query (for the cqkg configurations)
and checks the target: p50 under 20 ms for each, uncached, at 8 connections. The
pages are read in the web process itself (never through the query workers), so the
result cache is the only cache they could have had, and it is off here.
"""

from __future__ import annotations

import argparse
import urllib.request

from bench.load import Measurement, measure, wrk_path
from bench.servers import start
from cqkg.build.pipeline import ensure_built
from cqkg.settings import Settings

#: Entities of different kinds, loaded in rotation: an institute, a university, a district, a sentence.
ENTITIES = ["/id/org/cigit", "/id/org/chongqing-university", "/id/place/yuzhong-district", "/id/source/outline-2018-s14"]
#: Row name in the report → the Accept header sent.
PAGES = {"entity page (HTML)": "text/html", "entity page (Turtle)": "text/turtle"}
TARGET_MS = 20


def measure_pages(base: str, seconds: float, connections: int) -> dict[str, Measurement]:
    """Load the entity pages of the server at ``base`` in each representation; one Measurement per row."""
    results = {}
    for name, accept in PAGES.items():
        urls = [base + path for path in ENTITIES]
        for url in urls:  # warm up: every page once
            with urllib.request.urlopen(urllib.request.Request(url, headers={"Accept": accept}), timeout=60) as response:
                response.read()
        results[name] = measure(urls, seconds, connections, accept=accept)
    return results


def targets(measured: dict[str, Measurement]) -> list[tuple[bool, str]]:
    """The target of each row: p50 under TARGET_MS, uncached."""
    return [(m.p50_ms < TARGET_MS, f"{name} p50 under {TARGET_MS} ms (uncached, rotating {len(ENTITIES)} entities): "
                                   f"{m.p50_ms:.2f} ms") for name, m in measured.items()]


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.pages")
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    args = parser.parse_args()
    wrk_path()
    settings = Settings.from_env()
    ensure_built(settings.root, settings.build_dir, log=print)
    server = start("cqkg-oxigraph-uncached", settings.build_dir)
    try:
        measured = measure_pages(server.sparql.removesuffix("/sparql"), args.seconds, args.connections)
    finally:
        server.stop()
    print("| row | req/s | p50 ms | p99 ms | errors |\n|---|---:|---:|---:|---:|")
    for name, m in measured.items():
        print(f"| {name} | {m.requests_per_s:.0f} | {m.p50_ms:.2f} | {m.p99_ms:.2f} | {m.errors} |")
    for ok, text in targets(measured):
        print(f"{'✅' if ok else '❌'} {text}")


if __name__ == "__main__":
    main()
