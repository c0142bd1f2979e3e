"""What the benchmarks that write one section of docs/benchmarks.md share: their command
line, the uncached server they load, a warm-up, and replacing their section in the report."""

from __future__ import annotations

import argparse
import urllib.request
from pathlib import Path

from bench.load import wrk_path
from bench.servers import ROOT, start
from cqkg.build.pipeline import ensure_built
from cqkg.settings import Settings


def run_on_uncached_server(prog: str, load):
    """Parse the command line of ``prog``, build if needed, start the uncached configuration and
    return ``(load(base_url, args), args)``; the server is stopped whatever happens."""
    parser = argparse.ArgumentParser(prog=prog)
    parser.add_argument("--seconds", type=int, default=3, help="wrk duration per row (whole seconds)")
    parser.add_argument("--connections", type=int, default=8)
    parser.add_argument("--write", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    wrk_path()
    settings = Settings.from_env()
    ensure_built(settings.root, settings.build_dir, log=print)
    server = start("cqkg-oxigraph-uncached", settings.build_dir)
    try:
        return load(server.sparql.removesuffix("/sparql"), args), args
    finally:
        server.stop()


def warm_up(urls: list[str], requests: int, accept: str | None = None) -> None:
    """``requests`` requests, each on a new connection (which any server process may accept), over ``urls``."""
    for number in range(requests):
        request = urllib.request.Request(urls[number % len(urls)], headers={"Accept": accept} if accept else {})
        with urllib.request.urlopen(request, timeout=60) as response:
            response.read()


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
