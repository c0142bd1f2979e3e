"""Benchmark of search by name: ``GET /search?q=…&format=json`` on the default server, uncached.

``python -m bench.search [--seconds S] [--connections C]`` writes the "Search" section of
docs/benchmarks.md (replacing only that section). The server runs with the response
cache off (search answers are never cached anyway); after a warm-up that builds the
search index in every server process, wrk loads each query for S seconds with C
connections, then all of them in rotation. Target: p50 under 20 ms.
"""

from __future__ import annotations

import argparse
import platform
import urllib.parse
from datetime import datetime, timezone
from pathlib import Path

from bench.load import measure, wrk_path
from bench.servers import ROOT, start
from cqkg.build.pipeline import ensure_built
from cqkg.settings import Settings

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


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.search")
    parser.add_argument("--seconds", type=int, default=3)
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--write", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    wrk_path()
    settings = Settings.from_env()
    ensure_built(settings.root, settings.build_dir, log=print)
    server = start("cqkg-oxigraph-uncached", settings.build_dir)
    try:
        base = server.sparql.removesuffix("/sparql")
        urls = {name: search_url(base, text) for name, text in QUERIES.items()}
        _warm_up(list(urls.values()), args.connections)
        results = {name: measure([url], args.seconds, args.connections) for name, url in urls.items()}
        results["all, in rotation"] = measure(list(urls.values()), args.seconds, args.connections)
    finally:
        server.stop()
    for name, m in results.items():
        print(f"search {name:24s} {m.requests_per_s:8.1f} req/s p50 {m.p50_ms:.2f} ms p99 {m.p99_ms:.2f} ms errors {m.errors}")
    write_section(args.write, report(results, args))
    print(f"written to {args.write}")


def _warm_up(urls: list[str], connections: int) -> None:
    """Load until every server process has built its search index: wrk, then new connections one by one."""
    import urllib.request

    measure(urls, 2, connections)
    for number in range(40):  # each on its own connection, which any of the processes may accept
        with urllib.request.urlopen(urls[number % len(urls)], timeout=60) as response:
            response.read()


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


def write_section(path: Path, section: str) -> None:
    """Put ``section`` into the report at ``path``, replacing the section of the same heading (its first line),
    or appending it."""
    heading = section.split("\n", 1)[0]
    report = path.read_text(encoding="utf-8") if path.exists() else ""
    if heading in report:
        before, _, after = report.partition(heading)
        rest = after.split("\n## ", 1)
        after = "\n## " + rest[1] if len(rest) > 1 else ""
        report = before.rstrip() + "\n\n" + section + after
    else:
        report = report.rstrip() + "\n\n" + section if report else section
    path.write_text(report, encoding="utf-8")


if __name__ == "__main__":
    main()
