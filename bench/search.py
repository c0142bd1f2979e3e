"""Benchmark of search by name: ``GET /search?q=…&format=json`` on the default server, uncached.

``python -m bench.search [--seconds S] [--connections C]`` writes the "Search" section of
docs/benchmarks.md (replacing only that section). The server runs with the response
cache off (search answers are never cached anyway); after a warm-up that builds the
search index in every server process, wrk loads each query for S seconds with C
connections, then all of them in rotation. Target: p50 under 20 ms.
"""

from __future__ import annotations

import platform
import urllib.parse
from datetime import datetime, timezone

from bench.load import measure
from bench.sections import run_on_uncached_server, warm_up, write_section

SECTION = "## Search (`/search`)"
QUERIES = {
    "English, exact": "Chongqing University",
    "English, partial words": "chongqing univ",
    "Chinese, simplified": "重庆大学",
    "Chinese, traditional": "重慶大學",
    "pinyin with tones": "chóngqìng dàxué",
    "pinyin, no spaces": "chongqingdaxue",
    "no match": "zzqqxx",
}
TARGET_MS = 20


def search_url(base: str, text: str) -> str:
    """The JSON search URL for ``text``."""
    return base + "/search?" + urllib.parse.urlencode({"q": text, "format": "json"})


def measure_search(base: str, args) -> dict:
    """Each query alone, then all in rotation, after every server process has built its search index."""
    urls = {name: search_url(base, text) for name, text in QUERIES.items()}
    measure(list(urls.values()), 2, args.connections)  # the index is built on first use in each process
    warm_up(list(urls.values()), 40)
    results = {name: measure([url], args.seconds, args.connections) for name, url in urls.items()}
    results["all, in rotation"] = measure(list(urls.values()), args.seconds, args.connections)
    return results


def main() -> None:
    results, args = run_on_uncached_server("python -m bench.search", measure_search)
    for name, m in results.items():
        print(f"search {name:24s} {m.requests_per_s:8.1f} req/s p50 {m.p50_ms:.2f} ms p99 {m.p99_ms:.2f} ms errors {m.errors}")
    write_section(args.write, report(results, args))
    print(f"written to {args.write}")


def report(results: dict, args) -> str:
    """The section's Markdown."""
    rotation = results["all, in rotation"]
    lines = [SECTION, "",
             f"One run of `python -m bench.search` on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.machine()}: "
             f"`GET /search?q=…&format=json` on the default configuration with the response cache off, wrk "
             f"{args.connections} connections, {args.seconds} s per row, after a warm-up.", "",
             "| query | q | req/s | p50 ms | p99 ms | errors |", "|---|---|---:|---:|---:|---:|"]
    for name, m in results.items():
        text = QUERIES.get(name, "(all of the above)")
        lines.append(f"| {name} | {text} | {m.requests_per_s:.0f} | {m.p50_ms:.2f} | {m.p99_ms:.2f} | {m.errors} |")
    slowest = max(m.p50_ms for m in results.values())
    lines += ["", f"- {'✅' if slowest < TARGET_MS else '❌'} search p50 under {TARGET_MS} ms at "
                  f"{args.connections} connections, uncached: slowest row {slowest:.2f} ms (rotation {rotation.p50_ms:.2f} ms)"]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    main()
