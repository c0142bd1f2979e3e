"""The SPARQL 1.1 Protocol at /sparql: queries by GET, form POST or direct POST; results negotiated.

Queries are answered by ``SparqlProtocol``, a WSGI layer in front of Flask: it reads
the protocol's parameters (strictly: text that is not valid in its declared charset
is a 400, never silently replaced) with werkzeug's request parsing, hands a
QueryRequest to the endpoint with the request's deadline, and writes the answer
with the same headers (ETag, Vary, CORS, gzip) and the same JSON errors as every
Flask route. What a query may do is decided by the query workers on the parsed
query. GET /sparql without a query (the service description, or the query page for
a browser), OPTIONS and /healthz are Flask routes (served, /healthz is answered on the event loop).

Why not a Flask view: measured in-process on the cheap lookup (3,000 requests, CPU
time), the Flask view cost 350 µs per query in the web process and this layer 140 µs
(the worker's hop included); the web process's CPU is what bounds uncached throughput.
"""

from __future__ import annotations

import time
from urllib.parse import parse_qsl

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import BadRequest, Forbidden, NotAcceptable, UnsupportedMediaType
from werkzeug.http import HTTP_STATUS_CODES
from werkzeug.wrappers import Request

from cqkg.formats import best_offer
from cqkg.namespaces import DEF, SD
from cqkg.query import serialize
from cqkg.query.engines import QueryRequest, QueryResponse
from cqkg.query.formats import UnknownFormat, negotiate
from cqkg.web.clients import client_address
from cqkg.web.compression import accepts_gzip, gzipped, worth_compressing
from cqkg.web.cors import cors_headers
from cqkg.web.description import service_description
from cqkg.web.errors import error_parts

TEXT_TYPES = ("text/", "application/sparql-results+json", "application/sparql-results+xml", "application/ld+json",
              "application/n-triples", "application/n-quads", "application/trig", "application/rdf+xml")
ANSWERED_METHODS = ("GET", "HEAD", "POST")
CACHE_CONTROL = "public, max-age=60"


class Exchange:
    """One SPARQL protocol request on its way through: planned, asked of the engine, then answered.

    The WSGI layer (below) and the asyncio server (``cqkg.web.asgi``) share it, so both
    read, check and answer a request the same way; only the wait for the engine differs.
    """

    def __init__(self, endpoint, environ: dict, started: float | None = None):
        """``started`` (``time.monotonic()``, default now) is when the request began: its deadline counts from there."""
        self.endpoint = endpoint
        self.deadline = (time.monotonic() if started is None else started) + endpoint.settings.query_timeout
        self.request = Request(environ)
        self.request.max_content_length = endpoint.settings.max_request_bytes
        self.query: QueryRequest | None = None  # set when the engine has to answer
        self.etag = self.client = None
        self.delegate = False  # True: no query here (the service description or the query page): Flask answers
        self.response: tuple | None = None  # (status, headers, body) once known

    def plan(self) -> None:
        """Read and check the request: afterwards ``delegate``, ``response`` or ``query`` is set."""
        try:
            text, params = _query_and_params(self.request)
            if text is None:
                self.delegate = True
                return
            self._plan_query(text, params)
        except Exception as error:
            self.failed(error)

    def answered(self, answer: QueryResponse) -> None:
        """The engine's ``answer`` becomes the 200 response."""
        self.response = 200, _answer_headers(answer, self.etag), answer.body

    def failed(self, error: Exception) -> None:
        """Every failure becomes the one JSON error body."""
        status, headers, body = error_parts(error)
        self.response = status, headers + [("Vary", "Accept-Encoding")], body

    def finish(self) -> tuple[str, list, bytes]:
        """The status line, headers and body to send: gzip when accepted and worth it, CORS, Content-Length."""
        request = self.request
        status, headers, body = self.response
        if accepts_gzip(request.headers.get("Accept-Encoding")) and worth_compressing(status, body):
            body = gzipped(body)
            headers.append(("Content-Encoding", "gzip"))
        if status != 304:
            headers.append(("Content-Length", str(len(body))))
        headers += cors_headers(request.method, request.headers.get("Access-Control-Request-Headers"))
        return f"{status} {HTTP_STATUS_CODES.get(status, 'UNKNOWN').upper()}", headers, b"" if request.method == "HEAD" else body

    def _plan_query(self, text: str, params: MultiDict) -> None:
        request, endpoint = self.request, self.endpoint
        try:
            choice = negotiate(request.headers.get("Accept"), params.get("format"))
        except UnknownFormat as error:
            raise BadRequest(f"unknown format {error.args[0][:100]!r}") from None
        if choice.results is None and choice.graph is None:
            raise NotAcceptable("no acceptable media type: cqkg writes SPARQL results as JSON, XML, CSV or TSV "
                                "and graphs as Turtle, N-Triples, JSON-LD, RDF/XML, TriG or N-Quads")
        endpoint.check(text)
        query = QueryRequest(
            query=text, results_type=choice.results, graph_type=choice.graph,
            default_graphs=_graph_iris(params, "default-graph-uri"), named_graphs=_graph_iris(params, "named-graph-uri"),
            max_rows=endpoint.settings.max_rows,
        )
        self.etag = endpoint.etag(query)
        if request.if_none_match.contains_weak(self.etag.strip('"')):
            self.response = 304, [("ETag", self.etag), ("Cache-Control", CACHE_CONTROL),
                                  ("Vary", "Accept, Accept-Encoding")], b""
            return
        self.client = client_address(request.remote_addr, request.headers.get("X-Forwarded-For"), endpoint.trusted)
        self.query = query


def is_protocol_request(path: str, method: str) -> bool:
    """True for the requests the protocol layer answers (or hands to Flask when they carry no query)."""
    return path == "/sparql" and method in ANSWERED_METHODS


class SparqlProtocol:
    """WSGI middleware answering queries to /sparql; every other request goes on to ``app`` (Flask)."""

    def __init__(self, app, endpoint):
        self.app, self.endpoint = app, endpoint

    def __call__(self, environ, start_response):
        if not is_protocol_request(environ.get("PATH_INFO"), environ.get("REQUEST_METHOD")):
            return self.app(environ, start_response)
        exchange = Exchange(self.endpoint, environ)
        exchange.plan()
        if exchange.delegate:
            return self.app(environ, start_response)
        if exchange.response is None:
            try:
                exchange.answered(self.endpoint.answer(exchange.client, exchange.query, exchange.deadline))
            except Exception as error:
                exchange.failed(error)
        status, headers, body = exchange.finish()
        start_response(status, headers)
        return [body]


def _answer_headers(answer: QueryResponse, etag: str) -> list[tuple[str, str]]:
    mimetype = answer.media_type
    headers = [("Content-Type", f"{mimetype}; charset=utf-8" if mimetype.startswith(TEXT_TYPES) else mimetype),
               ("ETag", etag), ("Cache-Control", CACHE_CONTROL), ("X-CQKG-Rows", str(answer.rows)),
               ("X-CQKG-Cache", "miss"),  # the response cache replays it with "hit"
               ("Vary", "Accept, Accept-Encoding")]
    if answer.truncated:
        headers += [("X-CQKG-Truncated", "true"),
                    ("Warning", f'199 cqkg "result truncated to {answer.rows} rows; add LIMIT/OFFSET to page"')]
    return headers


blueprint = Blueprint("sparql", __name__)


def init_app(app: Flask) -> None:
    """Register /sparql and /healthz."""
    app.register_blueprint(blueprint)


def health(endpoint) -> dict:
    """The /healthz document: liveness, the dataset version and the engine."""
    return {"status": "ok", "dataset_version": endpoint.version, "engine": endpoint.settings.engine}


@blueprint.get("/healthz")
def healthz():
    """Liveness and the dataset version: 200 {"status": "ok", ...} (served, the event loop answers it: cqkg.web.asgi)."""
    return health(current_app.extensions["cqkg"])


@blueprint.route("/sparql", methods=["GET", "POST"])
def sparql():
    """The service description (RDF) or, for a browser, the query page: GET /sparql without a query.

    Queries never reach this view: SparqlProtocol answers them in front of Flask.
    POST is listed so that a 405 for another method names it in ``Allow``.
    """
    return _describe_service(current_app.extensions["cqkg"])


def _graph_iris(params, name: str) -> tuple[str, ...] | None:
    """The graph IRIs of protocol parameter ``name``, each checked by the RDF parser (400 if not an IRI)."""
    values = params.getlist(name)
    for value in values:
        try:
            ox.NamedNode(value)
        except ValueError:
            raise BadRequest(f"{name} {value[:200]!r} is not an absolute IRI") from None
    return tuple(values) or None


def _decoded(raw: bytes, charset: str, what: str) -> str:
    """``raw`` decoded strictly as ``charset``: 415 for a charset that is not a text encoding, 400 for bytes not valid in it."""
    try:
        return raw.decode(charset)
    except UnicodeDecodeError as error:
        raise BadRequest(f"the {what} is not valid {charset[:40]} (byte {error.start})") from None
    except LookupError:  # unknown, or a codec that is not a text encoding (rot13, base64, zlib, ...)
        raise UnsupportedMediaType(f"unsupported charset {charset[:40]!r}: send the query in UTF-8") from None
    except (UnicodeError, ValueError) as error:  # codecs such as "undefined" or "punycode" refuse in their own words
        raise BadRequest(f"the {what} cannot be decoded as {charset[:40]}: {str(error)[:100]}") from None


def _params(raw: bytes, what: str) -> MultiDict:
    """Parse URL-encoded parameters strictly: percent-escapes must decode as UTF-8."""
    try:
        return MultiDict(parse_qsl(raw.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="strict"))
    except UnicodeDecodeError as error:
        raise BadRequest(f"the {what} is not valid UTF-8 (byte {error.start} of a parameter)") from None


def _query_and_params(request: Request):
    """Return (query text or None, the parameters) of ``request``: GET, form POST or direct POST."""
    if request.method in ("GET", "HEAD"):
        params = _params(request.query_string, "query string")
        if "update" in params:
            raise Forbidden("SPARQL Update is not allowed: this endpoint is read-only")
        queries = params.getlist("query")
    elif request.mimetype == "application/x-www-form-urlencoded":
        params = _params(request.get_data(cache=False), "form body")
        if "update" in params:
            raise Forbidden("SPARQL Update is not allowed: this endpoint is read-only")
        queries = params.getlist("query")
        if not queries:
            raise BadRequest("a form POST needs one 'query' parameter")
    elif request.mimetype == "application/sparql-query":
        params = _params(request.query_string, "query string")
        if "query" in params:
            raise BadRequest("a direct POST carries the query in its body, not in a 'query' parameter")
        text = _decoded(request.get_data(cache=False), request.mimetype_params.get("charset", "utf-8"), "query")
        if not text.strip():
            raise BadRequest("the query is empty")
        return text, params
    elif request.mimetype == "application/sparql-update":
        raise Forbidden("SPARQL Update is not allowed: this endpoint is read-only")
    else:
        raise UnsupportedMediaType(f"unsupported media type {request.mimetype or '(none)'!r}: POST a query as "
                                   "application/x-www-form-urlencoded or application/sparql-query")
    if len(queries) > 1:
        raise BadRequest(f"exactly one 'query' parameter is allowed, got {len(queries)}")
    if not queries:
        return None, params
    if not queries[0].strip():
        raise BadRequest("the 'query' parameter is empty")
    return queries[0], params


def _describe_service(endpoint) -> Response:
    from cqkg.web import ui
    if best_offer(request.headers.get("Accept"), ("text/html", "text/turtle")) == "text/html":
        return ui.query_page()
    try:
        choice = negotiate(request.headers.get("Accept"), request.args.get("format"))
    except UnknownFormat as error:
        raise BadRequest(f"unknown format {error.args[0][:100]!r}") from None
    if choice.graph is None:
        raise NotAcceptable("the service description is RDF: ask for Turtle, N-Triples, JSON-LD, RDF/XML, TriG or N-Quads")
    triples = service_description(request.base_url, endpoint.named_graphs, endpoint.settings)
    body = serialize.graph(triples, choice.graph, {"sd": SD, "cq": DEF})
    response = Response(body, mimetype=choice.graph)
    response.vary.add("Accept")
    return response

