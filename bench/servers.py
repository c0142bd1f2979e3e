"""Start and stop each configuration under test on a free loopback port, and measure its processes."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
UNION = ["https://w3id.org/cqkg/graph/ontology", "https://w3id.org/cqkg/graph/asserted",
         "https://w3id.org/cqkg/graph/inferred"]


@dataclass
class Running:
    """A server under test: its name, process, SPARQL URL and extra URL parameters."""

    name: str
    process: subprocess.Popen
    sparql: str
    extra_params: list = field(default_factory=list)
    start_seconds: float = 0.0

    def url(self, query: str) -> str:
        """The GET URL asking ``query`` (with the parameters that give the cqkg default graph)."""
        return self.sparql + "?" + urllib.parse.urlencode([("query", query)] + self.extra_params)

    def rss_bytes(self) -> int:
        """Resident memory of the server and all its descendants (query workers included)."""
        return sum(_rss(pid) for pid in [self.process.pid, *_descendants(self.process.pid)])

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start(name: str, build_dir: Path, threads: int = 8, workers: int = 2) -> Running:
    """Start configuration ``name`` and wait until it answers a query; record the start time."""
    port = free_port()
    env = dict(os.environ, CQKG_ROOT=str(ROOT), CQKG_BUILD_DIR=str(build_dir), CQKG_PORT=str(port),
               CQKG_THREADS=str(threads), CQKG_WORKERS=str(workers), CQKG_MAX_CLIENT_QUERIES="1000")
    base = f"http://127.0.0.1:{port}"
    extra = []
    if name == "cqkg-oxigraph-cached":
        command = [sys.executable, "-m", "cqkg.cli", "serve"]
    elif name == "cqkg-oxigraph-uncached":
        command, env["CQKG_CACHE_ENTRIES"] = [sys.executable, "-m", "cqkg.cli", "serve"], "0"
    elif name == "cqkg-rdflib":
        command, env["CQKG_CACHE_ENTRIES"], env["CQKG_ENGINE"] = [sys.executable, "-m", "cqkg.cli", "serve"], "0", "rdflib"
    elif name == "rdflib-endpoint":
        command = [str(BIN / "rdflib-endpoint"), "serve", "--host", "127.0.0.1", "--port", str(port),
                   str(build_dir / "dataset.nq")]
    elif name == "oxigraph-server":
        command = [str(BIN / "oxigraph"), "serve-read-only", "--location", str(build_dir / "store"),
                   "--bind", f"127.0.0.1:{port}"]
        extra = [("default-graph-uri", g) for g in UNION]
    elif name == "bare-flask":
        command = [sys.executable, "-m", "bench.bare_flask", str(port), str(threads)]
    else:
        raise ValueError(name)
    sparql = base + {"oxigraph-server": "/query", "rdflib-endpoint": "/"}.get(name, "/sparql")
    started = time.perf_counter()
    process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    running = Running(name, process, sparql, extra)
    _wait_until_answering(running, "ASK { ?s ?p ?o }", timeout=600)
    running.start_seconds = time.perf_counter() - started
    return running


def start_time(build_dir: Path, cold: bool) -> float:
    """Seconds from ``cqkg serve`` to its first answer; cold starts on an empty build folder (build included)."""
    target = build_dir
    if cold:
        target = build_dir.parent / "cold-build"
        shutil.rmtree(target, ignore_errors=True)
    running = start("cqkg-oxigraph-cached", target)
    running.stop()
    if cold:
        shutil.rmtree(target, ignore_errors=True)
    return running.start_seconds


def _wait_until_answering(running: Running, query: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    request = urllib.request.Request(running.url(query), headers={"Accept": "application/sparql-results+json"})
    while True:
        try:
            with urllib.request.urlopen(request, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        if running.process.poll() is not None or time.monotonic() > deadline:
            running.stop()
            raise RuntimeError(f"{running.name} did not start")
        time.sleep(0.02)


def _descendants(pid: int) -> list[int]:
    found, stack = [], [pid]
    while stack:
        current = stack.pop()
        try:
            children = Path(f"/proc/{current}/task/{current}/children").read_text().split()
        except FileNotFoundError:
            continue
        for child in map(int, children):
            found.append(child)
            stack.append(child)
    return found


def _rss(pid: int) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except FileNotFoundError:
        pass
    return 0
