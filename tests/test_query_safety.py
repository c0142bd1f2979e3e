"""Regression tests of the probe of the public endpoint ("Safe to put on the internet"), finding by finding.

SSRF: no spelling of SERVICE reaches a listener that is not on the allow-list, and
what an allowed endpoint answers never reaches the client. Requests that stalled
the server, deep nesting, the memory cap, clients that hang up, idle connections,
the cache's byte bound, and the protocol's smaller edge cases.
"""

from __future__ import annotations

import http.server
import json
import socket
import threading
import time
import urllib.parse
from contextlib import contextmanager
from pathlib import Path

import pytest

from conftest import fetch, live_server
from cqkg.errors import ForbiddenQueryError, QueryError
from cqkg.query import calls
from cqkg.query.bounds import check_bounds
from cqkg.web.response_cache import ResponseCache

RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"

MARKER = "LISTENER-SECRET-7f3a"


class _Listener(http.server.BaseHTTPRequestHandler):
    """Counts every request and answers 404 with a marker body a leak would show."""

    hits: list = []

    def _answer(self):
        type(self).hits.append(self.path)
        body = MARKER.encode()
        self.send_response(404)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    do_GET = do_POST = _answer

    def log_message(self, *args):
        pass


@contextmanager
def listener():
    """A real HTTP server on a free loopback port; yields (its URL, the list of requests it got)."""
    handler = type("Handler", (_Listener,), {"hits": []})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}/", handler.hits
    finally:
        server.shutdown()
        server.server_close()


def service_spellings(target: str) -> list[str]:
    """The probe's spellings of a SERVICE call to ``target``, and a generated corpus around them."""
    host = target.rstrip("/")
    base = [
        f"SELECT ?x WHERE {{ SERVICE<{target}> {{ ?x ?p ?o }} }}",
        f"SELECT ?x WHERE {{ SERVICE SILENT<{target}> {{ ?x ?p ?o }} }}",
        f"select ?x where {{ service<{target}> {{ ?x ?p ?o }} }}",
        f"PREFIX é: <{target}> SELECT * WHERE {{ SERVICE é: {{ ?s ?p ?o }} }}",
        f"PREFIX ex: <http://x/> SELECT * {{ VALUES ?v {{ ex:a\\# }} SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"BASE <{target}> SELECT * {{ SERVICE <> {{ ?s ?p ?o }} }}",
        f"BASE <{host}/a/> SELECT * {{ SERVICE <../> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ \\u0053ERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICE <\\u0068ttp://{host.removeprefix('http://')}/> {{ ?s ?p ?o }} }}",
        f"ASK {{ FILTER EXISTS {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * {{ {{ SELECT * {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }} }}",
        f"SELECT * {{ OPTIONAL {{ SERVICE SILENT <{target}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * {{ # SERVICE <http://allowed/>\n SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f'SELECT * {{ BIND("SERVICE <x>" AS ?z) SERVICE <{target}> {{ ?s ?p ?o }} }}',
        f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"DESCRIBE ?s WHERE {{ SERVICE <{target}> {{ ?s ?p ?o }} }}",
        f"SELECT * {{ SERVICE <{target}> {{ SERVICE <{target}> {{ ?s ?p ?o }} }} }}",
        f"SELECT * {{ SERVICE <{target}?query=x> {{ ?s ?p ?o }} }}",
    ]
    generated = []
    for keyword in ("SERVICE", "service", "SeRvIcE"):
        for gap in ("", " ", "\t", "\n", " # c\n"):
            for silent in ("", "SILENT", "silent"):
                generated.append(f"SELECT * {{ {keyword}{gap}{silent}{' ' if silent else ''}<{target}> {{ ?s ?p ?o }} }}")
    return base + generated


@pytest.fixture(scope="module")
def probe_target():
    with listener() as (url, hits):
        yield url, hits


@pytest.fixture(scope="module")
def closed(build_dir, tmp_path_factory):
    """The default configuration: empty allow-list, two web server processes."""
    with live_server(build_dir, tmp_path_factory.mktemp("closed"), query_timeout=5, workers=1) as live:
        yield live


def sparql_post(server, query: str, **headers):
    return fetch(server.sparql, data=urllib.parse.urlencode({"query": query}).encode(),
                 headers={"Content-Type": "application/x-www-form-urlencoded", **headers})


def test_no_service_spelling_reaches_a_listener_off_the_allow_list(closed, probe_target):
    url, hits = probe_target
    for query in service_spellings(url):
        answer = sparql_post(closed, query)
        assert MARKER not in answer.text, query
        assert answer.status in (200, 400, 403), (query, answer.status, answer.text)
        if answer.status == 200 and answer.headers["Content-Type"].startswith("application/sparql-results+json"):
            assert all(not row for row in answer.json().get("results", {}).get("bindings", [])), query
    assert hits == []


def test_service_to_the_listener_is_refused_with_403(closed, probe_target):
    url, hits = probe_target
    answer = sparql_post(closed, f"SELECT * WHERE {{ SERVICE <{url}> {{ ?s ?p ?o }} }}")
    assert answer.status == 403 and "allow-list" in answer.json()["error"]["detail"]
    assert "127.0.0.1" not in answer.json()["error"]["detail"] and hits == []


def test_parsed_service_endpoints_resolve_prefixes_base_and_escapes():
    target = "http://127.0.0.1:9/"
    assert calls.service_plan(f"SELECT * {{ SERVICE<{target}> {{ ?s ?p ?o }} }}").endpoints == {target}
    assert calls.service_plan(f"PREFIX é: <{target}> SELECT * {{ SERVICE é: {{ ?s ?p ?o }} }}").endpoints == {target}
    assert calls.service_plan(f"BASE <{target}a/> SELECT * {{ SERVICE <../> {{ ?s ?p ?o }} }}").endpoints == {target}
    assert calls.service_plan(f"SELECT * {{ \\u0053ERVICE <{target}> {{ ?s ?p ?o }} }}").endpoints == {target}
    assert calls.service_plan("SELECT * { SERVICE SILENT ?e { ?s ?p ?o } }").variable
    assert calls.service_plan('SELECT * { BIND("SERVICE <http://x/>" AS ?v) }').endpoints == frozenset()
    with pytest.raises(ForbiddenQueryError):
        calls.check_allowed(calls.service_plan(f"ASK {{ FILTER EXISTS {{ SERVICE <{target}> {{}} }} }}"),
                            ("https://query.wikidata.org/sparql",))


def test_a_sandboxed_process_reaches_nothing(tmp_path):
    import multiprocessing

    with listener() as (url, hits):
        port = int(url.rsplit(":", 1)[1].strip("/"))
        context = multiprocessing.get_context("spawn")
        result = context.Queue()
        process = context.Process(target=_connect_after_isolating, args=(port, result))
        process.start()
        why_not, outcome = result.get(timeout=60)
        process.join(timeout=10)
    if why_not:
        pytest.skip(f"network namespaces are not available here: {why_not}")
    assert outcome.startswith("refused") and hits == []


def _connect_after_isolating(port: int, result) -> None:
    from cqkg.query.sandbox import isolate_network

    why_not = isolate_network()
    try:
        socket.create_connection(("127.0.0.1", port), timeout=2).close()
        outcome = "connected"
    except OSError as error:
        outcome = f"refused: {error}"
    result.put((why_not, outcome))


# -- An allowed endpoint's answer never reaches the client --

@pytest.fixture(scope="module")
def federating(build_dir, tmp_path_factory, probe_target):
    url, _hits = probe_target
    with listener() as (allowed, allowed_hits):
        with live_server(build_dir, tmp_path_factory.mktemp("federating"), fronts=1, workers=1,
                         query_timeout=10, service_allowlist=allowed) as live:
            yield live, allowed, allowed_hits


def test_allowed_endpoint_is_called_and_its_error_body_is_not_passed_on(federating):
    server, allowed, hits = federating
    answer = sparql_post(server, f"SELECT * WHERE {{ SERVICE <{allowed}> {{ ?s ?p ?o }} }}")
    assert answer.status == 502 and answer.json()["error"]["detail"] == "a SERVICE call of this query failed"
    assert MARKER not in answer.text and hits


def test_allow_list_does_not_open_other_endpoints(federating, probe_target):
    server, allowed, _ = federating
    url, hits = probe_target
    for query in service_spellings(url):
        answer = sparql_post(server, query)
        assert MARKER not in answer.text and answer.status in (200, 400, 403), (query, answer.status, answer.text)
    mixed = sparql_post(server, f"SELECT * {{ SERVICE <{allowed}> {{ ?s ?p ?o }} SERVICE <{url}> {{ ?s ?p ?o }} }}")
    assert mixed.status == 403
    assert hits == []


# -- Bounded before parsing --

def test_bounds_refuse_deep_nesting_and_long_queries():
    for text in ("SELECT * WHERE " + "{" * 2500 + " ?s ?p ?o " + "}" * 2500,
                 "ASK { FILTER(" + "(" * 10000 + "1" + ")" * 10000 + ") }",
                 "ASK { FILTER(" + "!" * 10000 + "true) }",
                 "ASK { ?s " + "(" * 500 + "<a:b>" + ")" * 500 + " ?o }"):
        with pytest.raises(QueryError, match="nested too deeply"):
            check_bounds(text, 1_000_000, 100)
    with pytest.raises(QueryError, match="too long"):
        check_bounds("ASK { " + "SERVICE <" * 110_000, 100_000, 100)
    # brackets in strings, comments and IRIs are not nesting
    check_bounds('ASK { FILTER("' + "(" * 500 + '") } # ' + "{" * 500 + "\n", 100_000, 100)
    check_bounds("ASK { <http://x/" + "(" * 500 + "> ?p ?o }", 100_000, 100)


def test_oversized_and_deep_queries_are_400_and_the_server_stays_up(closed):
    for query in ("ASK { " + "SERVICE <" * 110_000,
                  "ASK {} # SERVICE\n" + "#x\nPREFIX a:<" * 20_000,
                  "SELECT * WHERE " + "{" * 2500 + " ?s ?p ?o " + "}" * 2500,
                  "ASK { FILTER(" + "!" * 10000 + "true) }"):
        answer = sparql_post(closed, query)
        assert answer.status in (400, 413), answer.status
        assert answer.json()["error"]["status"] == answer.status
    assert fetch(closed.base + "/healthz").status == 200


def test_property_path_of_thirty_thousand_steps_does_not_crash_a_worker(closed):
    path = "/".join(["rdfs:label"] * 30000)
    answer = sparql_post(closed, f"ASK {{ ?s {path} ?o }}")
    assert answer.status in (200, 400, 503), answer.text
    assert fetch(closed.base + "/healthz").status == 200


# -- Memory, clients that hang up, idle connections --

@pytest.fixture(scope="module")
def capped(build_dir, tmp_path_factory):
    with live_server(build_dir, tmp_path_factory.mktemp("capped"), fronts=1, workers=1, max_workers=2,
                     query_timeout=20, query_memory_mb=300) as live:
        yield live


def test_a_query_past_the_memory_cap_is_stopped_with_503(capped):
    answer = sparql_post(capped, "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?a ?l")
    assert answer.status == 503 and answer.json()["error"]["title"] == "MemoryLimitError"
    assert fetch(capped.base + "/healthz").status == 200


def test_a_query_whose_client_hangs_up_is_stopped(capped):
    host, port = capped.base.removeprefix("http://").split(":")
    query = urllib.parse.quote("SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }")
    with socket.create_connection((host, int(port))) as sock:
        sock.sendall(f"GET /sparql?query={query} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        time.sleep(1)  # let the query start: the point is to hang up while it runs
    deadline = time.monotonic() + 15
    while "ClientGone" not in capped.log():
        assert time.monotonic() < deadline, capped.log()[-2000:]
        time.sleep(0.1)


def test_idle_connections_do_not_take_the_server_off_the_air(closed):
    host, port = closed.base.removeprefix("http://").split(":")
    idle = [socket.create_connection((host, int(port))) for _ in range(150)]
    try:
        assert fetch(closed.base + "/healthz", timeout=10).status == 200
    finally:
        for sock in idle:
            sock.close()


@pytest.fixture(scope="module")
def strict(build_dir, tmp_path_factory):
    """One web process with one thread for pages and a 1 s idle timeout."""
    with live_server(build_dir, tmp_path_factory.mktemp("strict"), fronts=1, threads=1, idle_timeout=1) as live:
        yield live


def _raw_connection(server) -> socket.socket:
    host, port = server.base.removeprefix("http://").split(":")
    return socket.create_connection((host, int(port)), timeout=10)


def _closed_within(sock: socket.socket, seconds: float, trickle: bytes = b"") -> bool:
    """True if the server closes ``sock`` within ``seconds`` while we send ``trickle`` a byte every 0.2 s."""
    deadline = time.monotonic() + seconds
    sock.settimeout(0.2)
    while time.monotonic() < deadline:
        try:
            if sock.recv(65536) == b"":
                return True
        except TimeoutError:
            pass
        except ConnectionResetError:
            return True
        if trickle:
            try:
                sock.sendall(trickle[:1])
            except OSError:
                return True
            trickle = trickle[1:]
    return False


def test_a_request_head_sent_a_byte_at_a_time_is_cut_off(strict):
    with _raw_connection(strict) as sock:  # each byte resets an idle timer; the head's deadline does not move
        assert _closed_within(sock, 5, trickle=b"GET /healthz HTTP/1.1\r\nHost: x\r\nX-Slow: " + b"a" * 100)


def test_a_connection_that_sends_nothing_is_closed_after_the_idle_timeout(strict):
    with _raw_connection(strict) as sock:
        assert _closed_within(sock, 5)


def test_a_request_head_over_256_kib_is_431(strict):
    with _raw_connection(strict) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n" + b"X-Pad: " + b"a" * 300_000 + b"\r\n\r\n")
        reply = sock.recv(65536)
    assert reply.startswith(b"HTTP/1.1 431 ")
    assert fetch(strict.base + "/healthz").status == 200


def test_a_slow_body_for_a_flask_route_holds_no_thread(strict):
    """The only page thread stays free while a client trickles a POST body: bodies are read on the event loop."""
    with _raw_connection(strict) as sock:
        sock.sendall(b"POST /reconcile HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                     b"Content-Length: 1000\r\n\r\nqueries=")
        answers = [fetch(strict.base + "/healthz", timeout=3).status for _ in range(3)]
    assert answers == [200, 200, 200]


def test_response_header_names_are_title_case(strict):
    """R's SPARQL package (RCurl) finds the charset only in a header spelled Content-Type."""
    with _raw_connection(strict) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        head = sock.recv(65536).split(b"\r\n\r\n")[0]
    assert b"\r\nContent-Type: application/json" in head and b"\r\nContent-Length: " in head


def _exchange(server, raw: bytes, timeout: float = 10) -> bytes:
    """Send ``raw`` on a new connection and return everything the server sends until it closes."""
    with _raw_connection(server) as sock:
        sock.settimeout(timeout)
        sock.sendall(raw)
        received = b""
        try:
            while chunk := sock.recv(65536):
                received += chunk
        except (TimeoutError, ConnectionResetError):
            pass
    return received


@pytest.mark.parametrize("path, body, expected", [
    ("/sparql", b"ASK {}", b'"boolean": true'),
    ("/reconcile", b"queries=" + urllib.parse.quote(json.dumps({"q0": {"query": "Chongqing University"}})).encode(),
     b'"q0"'),
])
def test_a_chunked_body_is_read(strict, path, body, expected):
    content_type = b"application/sparql-query" if path == "/sparql" else b"application/x-www-form-urlencoded"
    chunks = b"".join(b"%x\r\n%s\r\n" % (len(part), part) for part in (body[:3], body[3:])) + b"0\r\n\r\n"
    reply = _exchange(strict, b"POST " + path.encode() + b" HTTP/1.1\r\nHost: x\r\nConnection: close\r\n"
                      b"Content-Type: " + content_type + b"\r\nTransfer-Encoding: chunked\r\n\r\n" + chunks)
    assert reply.startswith(b"HTTP/1.1 200 ") and expected in reply


def test_a_body_over_the_limit_is_read_and_the_next_request_answered(strict):
    """The rest of a 413'd body must not be read as the next request's head (it was answered 431)."""
    head = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 2000000\r\n\r\n")
    reply = _exchange(strict, head + b"#" * 2_000_000 + b"GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    first, second = reply.split(b"HTTP/1.1 ")[1:]
    assert first.startswith(b"413 ") and b"\r\nAccess-Control-Allow-Origin: *\r\n" in first
    assert b"\r\nContent-Length: " in first and second.startswith(b"200 ")


def test_a_body_far_over_the_limit_is_refused_unread_and_the_connection_closed(strict):
    head = (b"POST /sparql HTTP/1.1\r\nHost: x\r\nContent-Type: application/sparql-query\r\n"
            b"Content-Length: 50000000\r\n\r\n")
    reply = _exchange(strict, head + b"#" * 100_000)
    assert reply.count(b"HTTP/1.1 ") == 1 and reply.startswith(b"HTTP/1.1 413 ")
    assert b"\r\nConnection: close\r\n" in reply and b"\r\nAccess-Control-Allow-Origin: *\r\n" in reply


def test_a_get_url_past_the_parser_limit_is_414_with_advice(strict):
    reply = _exchange(strict, b"GET /sparql?query=ASK%7B%7D%23" + b"a" * 70_000 + b" HTTP/1.1\r\nHost: x\r\n\r\n")
    assert reply.startswith(b"HTTP/1.1 414 ") and b"POST a long query" in reply


def test_a_head_behind_an_unread_answer_is_bounded(strict):
    """A pipelined head that never ends, behind a dump the client never reads: the connection is dropped."""
    with _raw_connection(strict) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        sock.sendall(b"GET /dumps/cqkg-all.nq HTTP/1.1\r\nHost: x\r\n\r\nGET /healthz HTTP/1.1\r\nX-Big: ")
        sock.settimeout(0.5)
        deadline, dropped = time.monotonic() + 15, False
        while time.monotonic() < deadline and not dropped:
            try:
                sock.sendall(b"a" * 65536)
            except TimeoutError:
                pass  # the server is not reading: fine, as long as it lets go of the connection
            except OSError:
                dropped = True
    assert dropped


def test_clients_that_never_read_a_dump_hold_no_thread(strict):
    """With one page thread, stalled downloads leave /healthz answering.

    Each client asks for the dump four times in a row (pipelined): more than the kernel's
    socket buffers hold, so a thread writing it would wait for the client.
    """
    stalled = []
    try:
        for _ in range(3):
            sock = _raw_connection(strict)
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            sock.sendall(b"GET /dumps/cqkg-all.nq HTTP/1.1\r\nHost: x\r\n\r\n" * 4)
            stalled.append(sock)
        time.sleep(0.5)
        assert [fetch(strict.base + "/healthz", timeout=3).status for _ in range(3)] == [200, 200, 200]
    finally:
        for sock in stalled:
            sock.close()


@pytest.mark.parametrize("charset", ["rot13", "base64", "hex", "zlib", "undefined", "punycode"])
def test_a_charset_that_is_no_text_encoding_is_4xx(client, charset):
    answer = client.post("/sparql", data=b"ASK {}", content_type=f"application/sparql-query; charset={charset}")
    assert answer.status_code in (400, 415) and answer.json["error"]["status"] == answer.status_code


def test_the_cache_keeps_gzip_apart_by_what_the_client_accepts(strict):
    query = "/sparql?query=" + urllib.parse.quote("SELECT * WHERE { ?s ?p ?o } LIMIT 200 # gzip key")
    first = fetch(strict.base + query, headers={"Accept-Encoding": "*"})
    plain = fetch(strict.base + query)
    refused = fetch(strict.base + query, headers={"Accept-Encoding": "gzip;q=0"})
    assert first.headers["Content-Encoding"] == "gzip"
    assert "Content-Encoding" not in plain.headers and "Content-Encoding" not in refused.headers


def test_stopping_answers_running_queries_with_503_and_logs_no_traceback(build_dir, tmp_path):
    with live_server(build_dir, tmp_path, fronts=1, workers=1) as live:
        sockets = []
        for _ in range(2):
            sock = _raw_connection(live)
            sock.sendall(f"GET /sparql?query={urllib.parse.quote(RUNAWAY)} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
            sockets.append(sock)
        time.sleep(1)
        live.process.terminate()
        live.process.wait(timeout=20)
        replies = []
        for sock in sockets:
            sock.settimeout(5)
            replies.append(sock.recv(65536))
            sock.close()
        log = live.log()
    assert all(reply.startswith(b"HTTP/1.1 503 ") and b"stopping" in reply for reply in replies), replies
    assert "Traceback" not in log


def test_a_paused_writer_is_dropped_only_when_its_client_reads_nothing():
    """Linux may keep a steady slow reader's socket unwritable past the idle timeout: progress is read from the kernel."""
    import asyncio

    from cqkg.web.http_protocol import BoundedHttpProtocol

    class Transport:  # the protocol's view of a real TCP connection whose peer we control
        def __init__(self, sock):
            self.sock, self.aborted = sock, False

        def get_extra_info(self, name):
            return self.sock

        def abort(self):
            self.aborted = True

    listener = socket.create_server(("127.0.0.1", 0))
    with listener, socket.create_connection(listener.getsockname()) as client, listener.accept()[0] as served:
        client.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        served.setblocking(False)
        try:
            while True:
                served.send(b"x" * 65536)  # until the kernel holds all it will
        except BlockingIOError:
            pass
        loop = asyncio.new_event_loop()
        protocol = object.__new__(BoundedHttpProtocol)
        protocol.loop, protocol.transport, protocol.timeout_keep_alive = loop, Transport(served), 60
        protocol._write_stall, protocol._unsent = None, None
        protocol.flow = type("Flow", (), {"pause_writing": lambda self: None})()
        protocol.pause_writing()
        for _ in range(3):  # the client reads a little (the kernel's queue shrinks once the window reopens)
            client.recv(65536)
            time.sleep(0.1)
        protocol._check_stalled_reader()
        assert not protocol.transport.aborted and protocol._write_stall is not None  # progress: another period
        protocol._write_stall.cancel()
        protocol._check_stalled_reader()  # nothing read since
        assert protocol.transport.aborted
        loop.close()


def test_a_download_stops_being_read_when_its_client_hangs_up(build_dir, tmp_path):
    """A client gone mid-file: the server reads no more of it (it read the rest in one burst, holding the loop)."""
    dist = tmp_path / "dist"
    with live_server(build_dir, tmp_path, fronts=1, dist_dir=dist) as live:
        with open(dist / "cqkg-big.nt", "wb") as big:
            big.truncate(2 << 30)  # sparse: 2 GiB of zeros, no disk used
        read_before = _bytes_read(live.process.pid)
        for _ in range(2):
            with _raw_connection(live) as sock:
                sock.sendall(b"GET /dumps/cqkg-big.nt HTTP/1.1\r\nHost: x\r\n\r\n")
                sock.recv(65536)
        time.sleep(2)
        assert fetch(live.base + "/healthz", timeout=5).status == 200
        assert _bytes_read(live.process.pid) - read_before < 256 << 20


def _bytes_read(pid: int) -> int:
    """Bytes process ``pid`` has read so far (files and sockets alike)."""
    fields = dict(line.split(": ") for line in Path(f"/proc/{pid}/io").read_text().splitlines())
    return int(fields["rchar"])


def test_a_file_name_past_the_file_system_limit_is_404(client):
    assert client.get("/dumps/cqkg-" + "a" * 300 + ".nt").status_code == 404
    assert client.get("/dumps/csv/" + "a" * 300 + ".csv").status_code == 404


# -- The cache keeps digests, and counts them --

def test_cache_keys_are_digests_counted_in_the_byte_bound():
    def tiny(environ, start_response):
        start_response("200 OK", [("Content-Type", "text/plain")])
        return [b"ok"]

    cache = ResponseCache(tiny, max_entries=1024, max_bytes=100_000, max_body=2_000_000)
    import io
    for i in range(200):
        body = (f"ASK {{}} # {i}".ljust(100_000, "x")).encode()
        environ = {"PATH_INFO": "/sparql", "REQUEST_METHOD": "POST", "CONTENT_LENGTH": str(len(body)),
                   "CONTENT_TYPE": "application/sparql-query", "wsgi.input": io.BytesIO(body)}
        cache(environ, lambda status, headers, exc_info=None: None)
    assert all(len(key) == 32 for key in cache.cache.keys())
    assert cache.cache.currsize <= 100_000 and len(cache.cache) <= 1024


# -- The protocol's edge cases --

def test_head_is_answered_like_get(client):
    answer = client.head("/sparql", query_string={"query": "ASK {}"})
    assert answer.status_code == 200 and answer.data == b""


def test_invalid_utf8_is_400_not_replaced(client):
    assert client.get("/sparql?query=ASK%20%7B%7D%20%23%FF").status_code == 400
    answer = client.post("/sparql", data=b"ASK {} # \xff", content_type="application/sparql-query")
    assert answer.status_code == 400 and "not valid utf-8" in answer.json["error"]["detail"].lower()


def test_declared_charset_is_honoured(client):
    body = 'ASK { ?s <http://www.w3.org/2000/01/rdf-schema#label> "重庆大学"@zh }'.encode("utf-16")
    answer = client.post("/sparql", data=body, content_type="application/sparql-query; charset=utf-16",
                         headers={"Accept": "application/sparql-results+json"})
    assert answer.status_code == 200 and answer.json["boolean"] is True
    unknown = client.post("/sparql", data=b"ASK {}", content_type="application/sparql-query; charset=x-nope")
    assert unknown.status_code == 415


def test_bad_graph_iri_is_400(client):
    answer = client.get("/sparql", query_string={"query": "ASK {}", "default-graph-uri": "not an iri"})
    assert answer.status_code == 400 and "IRI" in answer.json["error"]["detail"]


def test_long_dump_name_is_404(client):
    assert client.get("/dumps/" + "a" * 5000).status_code == 404


def test_variable_service_is_refused_not_500(closed):
    answer = sparql_post(closed, "SELECT * WHERE { SERVICE?e { ?x ?p ?o } }")
    assert answer.status in (400, 403), answer.text


def test_triple_term_in_a_result_is_serialised(client):
    query = "SELECT ?t WHERE { BIND(<<( <http://a/s> <http://a/p> <http://a/o> )>> AS ?t) }"
    for accept in ("application/sparql-results+json", "application/sparql-results+xml", "text/csv",
                   "text/tab-separated-values"):
        answer = client.get("/sparql", query_string={"query": query}, headers={"Accept": accept})
        assert answer.status_code == 200 and b"http://a/s" in answer.data, (accept, answer.data)


# -- /reconcile: bounded, and every bad parameter a 400 --

def reconcile(client, **form):
    return client.post("/reconcile", data={k: json.dumps(v) if not isinstance(v, str) else v for k, v in form.items()})


def test_reconcile_batch_and_name_are_capped(client, app):
    cap = app.extensions["cqkg"].settings.reconcile_max_queries
    many = {f"q{i}": {"query": "Chongqing University"} for i in range(cap + 1)}
    assert reconcile(client, queries=many).status_code == 400
    long_name = reconcile(client, queries={"q0": {"query": "x" * 1000}})
    assert long_name.status_code == 400 and "too long" in long_name.json["error"]["detail"]
    assert reconcile(client, queries={"q0": {"query": "x" * 900_000}}).status_code == 413


@pytest.mark.parametrize("limit", ['"abc"', "[1]", "1e309", "NaN", "true", "-1", '{"a": 1}'])
def test_reconcile_bad_limit_is_400(client, limit):
    answer = client.post("/reconcile", data={"queries": '{"q0": {"query": "Chongqing", "limit": %s}}' % limit})
    assert answer.status_code == 400, answer.data


def test_reconcile_bad_parameters_are_400(client):
    assert client.get("/reconcile/suggest/entity?prefix=chong&limit=abc").status_code == 400
    assert reconcile(client, extend=[1, 2]).status_code == 400
    assert reconcile(client, queries=[1]).status_code == 400
    assert reconcile(client, queries={"q0": {"query": 5}}).status_code == 400
    assert reconcile(client, queries={"q0": {"query": "x", "type": 5}}).status_code == 400
    assert client.get("/reconcile/propose_properties?limit=x").status_code == 400


def test_reconcile_accepts_what_the_schema_allows(client):
    typed = reconcile(client, queries={"q0": {"query": "Chongqing University", "type": ["HigherEducationInstitution", "Enterprise"]}})
    assert typed.status_code == 200 and typed.json["q0"]["result"][0]["id"] == "org/chongqing-university"
    by_property = reconcile(client, queries={"q0": {"properties": [{"pid": "divisionCode", "v": "500106"}]}})
    assert by_property.status_code == 200
    assert by_property.json["q0"]["result"][0]["id"] == "place/shapingba-district"
    first = client.get("/reconcile/suggest/entity?prefix=chongqing&limit=2").json["result"]
    second = client.get("/reconcile/suggest/entity?prefix=chongqing&limit=2&cursor=2").json["result"]
    assert len(first) == len(second) == 2 and not {e["id"] for e in first} & {e["id"] for e in second}


def test_forwarded_address_is_trusted_only_from_a_configured_proxy():
    from cqkg.web.clients import client_address, trusted_networks
    trusted = trusted_networks(("127.0.0.1", "10.0.0.0/8"))
    assert client_address("127.0.0.1", "203.0.113.9, 10.1.2.3", trusted) == "203.0.113.9"
    assert client_address("192.0.2.1", "203.0.113.9", trusted) == "192.0.2.1"  # not a proxy: header ignored
    assert client_address("127.0.0.1", "not-an-ip", trusted) == "127.0.0.1"
    assert client_address("127.0.0.1", "203.0.113.9", ()) == "127.0.0.1"
    with pytest.raises(Exception, match="not an IP address"):
        trusted_networks(("proxy.example",))
