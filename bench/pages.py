"""Entity pages (HTML and Turtle) of a running cqkg server, loaded with wrk, uncached.

``python -m bench.pages`` starts the uncached configuration, loads each page of
``ENTITIES`` in each representation and then all of them in rotation, and writes the
"Entity pages" section of docs/benchmarks.md; ``python -m bench`` adds the rotation
rows to the table of every query (for the cqkg configurations) and checks the target:
p50 under 20 ms for each, uncached, at 8 connections. Pages are read in the web
process itself (never through the query workers); the response cache, the only cache
they could have had, is off.
"""

from __future__ import annotations

import os
import platform
from datetime import datetime, timezone

from bench.load import Measurement, measure
from bench.sections import run_on_uncached_server, warm_up, write_section

SECTION = "## Entity pages (`/id/…`)"
#: Entities of different kinds: an institute, a university, a district, a sentence.
ENTITIES = ["/id/org/cigit", "/id/org/chongqing-university", "/id/place/yuzhong-district", "/id/source/outline-2018-s14"]
#: Row name in the report → the Accept header sent.
PAGES = {"entity page (HTML)": "text/html", "entity page (Turtle)": "text/turtle"}
TARGET_MS = 20
WARM_UP_REQUESTS = 40


def measure_pages(base: str, seconds: float, connections: int, each: bool = False) -> dict[str, Measurement]:
    """Load the entity pages of the server at ``base``: per representation, all in rotation (and each alone)."""
    results = {}
    for name, accept in PAGES.items():
        urls = [base + path for path in ENTITIES]
        warm_up(urls, WARM_UP_REQUESTS, accept)  # every server process compiles the templates
        if each:
            for path, url in zip(ENTITIES, urls):
                results[f"{name} {path}"] = measure([url], seconds, connections, accept=accept)
        results[name] = measure(urls, seconds, connections, accept=accept)
    return results


def targets(measured: dict[str, Measurement]) -> list[tuple[bool, str]]:
    """The target of each representation: p50 under TARGET_MS, uncached."""
    return [(measured[name].p50_ms < TARGET_MS, f"{name} p50 under {TARGET_MS} ms (uncached, {len(ENTITIES)} entities "
                                                f"in rotation): {measured[name].p50_ms:.2f} ms") for name in PAGES]


def report(results: dict[str, Measurement], args) -> str:
    """The section's Markdown."""
    lines = [SECTION, "",
             f"One run of `python -m bench.pages` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.machine()}: "
             f"the default configuration with the response cache off, wrk {args.connections} connections, "
             f"{args.seconds} s per row, after a warm-up. The machine's load average when it started: "
             f"{args.load:.1f} on {os.cpu_count()} cores (other work shares them).", "",
             "| page | req/s | p50 ms | p99 ms | errors |", "|---|---:|---:|---:|---:|"]
    lines += [f"| {name} | {m.requests_per_s:.0f} | {m.p50_ms:.2f} | {m.p99_ms:.2f} | {m.errors} |" for name, m in results.items()]
    lines += [""] + [f"- {'✅' if ok else '❌'} {text}" for ok, text in targets(results)]
    return "\n".join(lines) + "\n"


def _measure_noting_load(base: str, args) -> dict[str, Measurement]:
    args.load = os.getloadavg()[0]  # before the load the benchmark itself adds
    return measure_pages(base, args.seconds, args.connections, each=True)


def main() -> None:
    results, args = run_on_uncached_server("python -m bench.pages", _measure_noting_load)
    section = report(results, args)
    print(section)
    write_section(args.write, section)
    print(f"written to {args.write}")


if __name__ == "__main__":
    main()
