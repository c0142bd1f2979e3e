"""Shared fixtures: the project root, one build of the shipped data per test session, and a CLI runner."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

from cqkg.build.pipeline import build
from cqkg.store import KnowledgeGraph

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    """The project folder (ontology/, data/, sources/, queries/)."""
    return ROOT


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory) -> Path:
    """A build of the shipped data, made once per session in a temporary folder."""
    path = tmp_path_factory.mktemp("build")
    build(ROOT, path)
    return path


def release_dir_of(build_dir: Path) -> Path:
    """Where the servers of a test build keep its release: beside the build, never in the project."""
    return build_dir.parent / f"{build_dir.name}-dist"


@pytest.fixture(scope="session")
def kg(build_dir) -> KnowledgeGraph:
    """The built dataset, opened read-only."""
    return KnowledgeGraph.open(build_dir)


@pytest.fixture(scope="session")
def app(build_dir):
    """The web app built by ``create_app`` over the session's build, answering with an in-process engine."""
    from cqkg.query.engines import make_engine
    from cqkg.query.executor import InlinePool
    from cqkg.settings import Settings
    from cqkg.web import create_app

    from cqkg.release.folder import ensure_released

    ensure_released(build_dir, release_dir_of(build_dir))  # as `cqkg serve` does before serving
    settings = Settings.from_env({}, root=ROOT, build_dir=build_dir, dist_dir=release_dir_of(build_dir),
                                 max_rows=2000, max_request_bytes=50000)
    flask_app = create_app(settings, pool=InlinePool(make_engine("oxigraph", build_dir)))
    flask_app.config["TESTING"] = True
    return flask_app


class InProcess:
    """The app answering through Flask's test client, with the live server's interface (base, sparql, fetch)."""

    base = "http://localhost"
    sparql = base + "/sparql"

    def __init__(self, app):
        self.client, self.settings = app.test_client(), app.extensions["cqkg"].settings

    def fetch(self, url: str, data: bytes | None = None, headers: dict | None = None, method: str | None = None) -> "Answer":
        """Send one request to the app (``url`` absolute under ``base``, or a path) and return its Answer."""
        path = url.removeprefix(self.base)
        response = self.client.open(path, method=method or ("POST" if data is not None else "GET"), data=data,
                                    headers=headers or {})
        return Answer(response.status_code, response.headers, response.get_data())


@pytest.fixture()
def web(app):
    """The app in this process (no server, no sockets), for protocol tests."""
    return InProcess(app)


@pytest.fixture()
def client(app):
    """A Flask test client of ``app``."""
    return app.test_client()


def run_cli(*args: str, root: Path = ROOT, build_dir: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``python -m cqkg.cli`` as a user would; return the finished process (text output)."""
    env = dict(os.environ, CQKG_ROOT=str(root))
    if build_dir is not None:
        env["CQKG_BUILD_DIR"] = str(build_dir)
    return subprocess.run([sys.executable, "-m", "cqkg.cli", *args], capture_output=True, text=True,
                          env=env, timeout=timeout)


@pytest.fixture(scope="session")
def cli():
    """The CLI runner (see run_cli)."""
    return run_cli


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class LiveServer:
    """A ``cqkg serve`` process on loopback: its base URL, process and log file."""

    def __init__(self, base: str, process: subprocess.Popen, log_path: Path):
        self.base, self.process, self.log_path = base, process, log_path
        self.sparql = base + "/sparql"

    def log(self) -> str:
        """Everything the server printed so far."""
        return self.log_path.read_text(encoding="utf-8")


@contextmanager
def running_process(command: list[str], ready, log_path: Path, timeout: float = 60, env: dict | None = None):
    """Start ``command`` (output to ``log_path``), wait until ``ready()`` is true, yield the process, stop it.

    Raises RuntimeError with the process's output if it exits or is not ready within ``timeout`` seconds.
    """
    with open(log_path, "w", encoding="utf-8") as log:
        # Its own process group: launchers (OpenRefine's, Virtuoso's) start the real server as a
        # child, which must be stopped with them.
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        _STARTED_GROUPS.append(process.pid)
        try:
            deadline = time.monotonic() + timeout
            while not _is_ready(ready):
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"{command[0]} did not start:\n" + log_path.read_text(encoding="utf-8"))
                time.sleep(0.1)
            yield process
        finally:
            stop_process_group(process)


def unavailable(reason: str) -> None:
    """Skip the calling test with ``reason`` locally; fail it in CI (CI=true), where every end-to-end test must run."""
    if os.environ.get("CI") == "true":
        pytest.fail(f"{reason} (CI=true: the end-to-end tests must run)")
    pytest.skip(reason)


_STARTED_GROUPS: list[int] = []


@pytest.fixture(scope="session", autouse=True)
def no_process_outlives_the_tests():
    """At the end of the session, every server a test started is gone (else: killed, and an error)."""
    yield
    leftovers = {group: group_members(group) for group in _STARTED_GROUPS if group_members(group)}
    for group in leftovers:
        _signal_group(group, signal.SIGKILL)
    assert not leftovers, f"processes left running by the tests (killed now): {leftovers}"


def stop_process_group(process: subprocess.Popen, grace: float = 20) -> None:
    """Stop ``process`` and every process of its group: SIGTERM, then SIGKILL after ``grace`` seconds."""
    group = process.pid
    _signal_group(group, signal.SIGTERM)
    try:
        process.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        pass
    deadline = time.monotonic() + grace
    while _group_alive(group) and time.monotonic() < deadline:
        time.sleep(0.1)
    _signal_group(group, signal.SIGKILL)
    process.wait()


def _signal_group(group: int, signum: int) -> None:
    try:
        os.killpg(group, signum)
    except ProcessLookupError:
        pass


def group_members(group: int) -> list[int]:
    """The live (not zombie) processes of process group ``group``, from /proc."""
    members = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue
        if int(fields[2]) == group and fields[0] != "Z":  # fields after the name: state, ppid, pgrp
            members.append(int(stat.parent.name))
    return members


def _group_alive(group: int) -> bool:
    return bool(group_members(group))


def _is_ready(ready) -> bool:
    try:
        return bool(ready())
    except OSError:
        return False


def oxigraph_binary() -> str:
    """The ``oxigraph`` server program (PyPI package 'oxigraph', a test dependency)."""
    import shutil
    found = shutil.which("oxigraph") or str(Path(sys.executable).parent / "oxigraph")
    if not Path(found).exists():
        pytest.fail("the oxigraph server (PyPI package 'oxigraph') is not installed: pip install -e '.[test]'")
    return found


@contextmanager
def oxigraph_server(folder: Path, read_only: bool = False):
    """Oxigraph's own SPARQL server over the store in ``folder``/data on a free loopback port; yields its base URL."""
    import urllib.parse
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [oxigraph_binary(), "serve-read-only" if read_only else "serve", "--location", str(folder / "data"),
               "--bind", f"127.0.0.1:{port}"]
    with running_process(command, lambda: fetch(base + "/query?query=" + urllib.parse.quote("ASK {}"), timeout=1).status == 200,
                         folder / "oxigraph.log", timeout=30):
        yield base


@contextmanager
def live_server(build_dir: Path, log_dir: Path, **settings):
    """Start ``cqkg serve`` on a free port with ``settings`` (CQKG_* names, lower-case); stop it on exit."""
    port = free_port()
    env = dict(os.environ, CQKG_ROOT=str(ROOT), CQKG_BUILD_DIR=str(build_dir), CQKG_PORT=str(port),
               CQKG_DIST_DIR=str(release_dir_of(build_dir)))
    env.update({"CQKG_" + name.upper(): str(value) for name, value in settings.items()})
    base = f"http://127.0.0.1:{port}"
    log_path = log_dir / f"server-{port}.log"
    with running_process([sys.executable, "-m", "cqkg.cli", "serve"], lambda: fetch(base + "/healthz", timeout=1).status == 200,
                         log_path, env=env) as process:
        yield LiveServer(base, process, log_path)


@pytest.fixture(scope="session")
def server(build_dir, tmp_path_factory):
    """The endpoint with the default engine and test-sized limits, shared by the session."""
    with live_server(build_dir, tmp_path_factory.mktemp("logs"), query_timeout=10, max_rows=2000,
                     max_request_bytes=50000, access_log=1) as live:
        yield live


class Answer:
    """An HTTP response, read whole: status, headers and body."""

    def __init__(self, status: int, headers, body: bytes):
        self.status, self.headers, self.body = status, headers, body

    def json(self):
        return json.loads(self.body)

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def fetch(url: str, data: bytes | None = None, headers: dict | None = None, method: str | None = None,
          timeout: float = 30) -> Answer:
    """Send one HTTP request and return its Answer (4xx and 5xx included, never raised)."""
    import urllib.error
    request = urllib.request.Request(url, data=data, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=timeout) as response:
            return Answer(response.status, response.headers, response.read())
    except urllib.error.HTTPError as error:
        with error:
            return Answer(error.code, error.headers, error.read())


def sparql_json_rows(body: bytes) -> list[dict]:
    """Turn a SPARQL JSON results body into rows of Python values, as KnowledgeGraph.select does."""
    data = json.loads(body)
    rows = []
    for binding in data["results"]["bindings"]:
        row = {}
        for name in data["head"]["vars"]:
            term = binding.get(name)
            row[name] = None if term is None else _python_value(term)
        rows.append(row)
    return rows


def _python_value(term: dict):
    datatype = term.get("datatype", "").rsplit("#", 1)[-1]
    if datatype in {"integer", "int", "long", "nonNegativeInteger", "positiveInteger"}:
        return int(term["value"])
    if datatype in {"decimal", "double", "float"}:
        return float(term["value"])
    if datatype == "boolean":
        return term["value"] == "true"
    return term["value"]


NUMERIC_TYPES = {"http://www.w3.org/2001/XMLSchema#" + t for t in ("decimal", "double", "float")}


def normalized_rows(body: bytes) -> list[str]:
    """The bindings of a SPARQL JSON body as sorted JSON strings, numbers compared by value.

    Engines may write one xsd:decimal differently (31.0 and 31), so two answers are
    compared on this form.
    """
    from decimal import Decimal

    data = json.loads(body)
    rows = []
    for binding in data["results"]["bindings"]:
        for term in binding.values():
            if term.get("datatype") in NUMERIC_TYPES:
                term["value"] = str(Decimal(term["value"]).normalize())
        rows.append(json.dumps(binding, sort_keys=True, ensure_ascii=False))
    return sorted(rows)
