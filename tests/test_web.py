"""The server, started for real on a free loopback port and queried with real clients."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest
from SPARQLWrapper import JSON, SPARQLWrapper


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def server(build_dir, root, tmp_path_factory):
    """``cqkg serve`` running on a free port; yields its base URL and stops it afterwards."""
    port = _free_port()
    env = dict(os.environ, CQKG_ROOT=str(root), CQKG_BUILD_DIR=str(build_dir), CQKG_PORT=str(port))
    log_path = tmp_path_factory.mktemp("server") / "server.log"
    with open(log_path, "w", encoding="utf-8") as log:
        process = subprocess.Popen([sys.executable, "-m", "cqkg.cli", "serve"], env=env, stdout=log,
                                   stderr=subprocess.STDOUT)
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=1):
                    break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    process.kill()
                    raise RuntimeError(log_path.read_text(encoding="utf-8")) from None
                time.sleep(0.2)
        yield base
        process.terminate()
        process.wait(timeout=10)


def test_healthz(server):
    with urllib.request.urlopen(server + "/healthz") as response:
        body = json.load(response)
    assert body["status"] == "ok" and len(body["dataset_version"]) == 16


def test_sparqlwrapper_select(server):
    client = SPARQLWrapper(server + "/sparql")
    client.setQuery("SELECT ?label WHERE { <https://w3id.org/cqkg/id/org/cigit> <http://www.w3.org/2000/01/rdf-schema#label> ?label FILTER(LANG(?label) = 'zh') }")
    client.setReturnFormat(JSON)
    bindings = client.query().convert()["results"]["bindings"]
    assert [b["label"]["value"] for b in bindings] == ["中国科学院重庆绿色智能技术研究院"]


def test_malformed_query_is_400_with_the_parser_message(server):
    url = server + "/sparql?" + urllib.parse.urlencode({"query": "SELECT ?x WHERE { ?x ?p }"})
    with pytest.raises(urllib.error.HTTPError) as caught:
        urllib.request.urlopen(url)
    assert caught.value.code == 400
    body = json.load(caught.value)
    caught.value.close()
    assert body["error"]["status"] == 400 and "malformed query" in body["error"]["detail"]
