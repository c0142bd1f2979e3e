"""The SPARQL 1.1 Protocol at /sparql: queries by GET, form POST or direct POST; results negotiated.

The route only reads the protocol's parameters, checks them (``cqkg.guard``) and
hands a QueryRequest to the endpoint; errors become the one JSON error body.
GET /sparql without a query returns the service description (or, to a browser,
the query page).
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, current_app, request
from werkzeug.exceptions import BadRequest, Forbidden, NotAcceptable, UnsupportedMediaType

from cqkg import guard, serialize
from cqkg.engines import QueryRequest
from cqkg.formats import UnknownFormat, negotiate
from cqkg.namespaces import PREFIXES
from cqkg.web.description import service_description

blueprint = Blueprint("sparql", __name__)
TEXT_TYPES = ("text/", "application/sparql-results+json", "application/sparql-results+xml", "application/ld+json",
              "application/n-triples", "application/n-quads", "application/trig", "application/rdf+xml")


def init_app(app: Flask) -> None:
    """Register /sparql and /healthz."""
    app.register_blueprint(blueprint)


@blueprint.get("/healthz")
def healthz():
    """Liveness and the dataset version: 200 {"status": "ok", ...}."""
    endpoint = current_app.extensions["cqkg"]
    return {"status": "ok", "dataset_version": endpoint.version, "engine": endpoint.settings.engine}


@blueprint.route("/sparql", methods=["GET", "POST"])
def sparql():
    """Answer one SPARQL query following the SPARQL 1.1 Protocol."""
    endpoint = current_app.extensions["cqkg"]
    text, params = _query_and_params()
    if text is None:
        return _describe_service(endpoint)
    try:
        choice = negotiate(request.headers.get("Accept"), params.get("format"))
    except UnknownFormat as error:
        raise BadRequest(f"unknown format {error.args[0]!r}") from None
    if choice.results is None and choice.graph is None:
        raise NotAcceptable("no acceptable media type: cqkg writes SPARQL results as JSON, XML, CSV or TSV "
                            "and graphs as Turtle, N-Triples, JSON-LD, RDF/XML, TriG or N-Quads")
    guard.check_read_only(text)
    guard.check_services(text, endpoint.settings.service_allowlist)
    query = QueryRequest(
        query=text, results_type=choice.results, graph_type=choice.graph,
        default_graphs=tuple(params.getlist("default-graph-uri")) or None,
        named_graphs=tuple(params.getlist("named-graph-uri")) or None,
        max_rows=endpoint.settings.max_rows,
    )
    etag = endpoint.etag(query)
    if request.if_none_match.contains(etag.strip('"')):
        return _not_modified(etag)
    return _respond(endpoint.answer(request.remote_addr or "-", query), etag)


def _query_and_params():
    """Return (query text or None, the parameters) for GET, form POST and direct POST."""
    if request.method == "GET":
        params = request.args
        if "update" in params:
            raise Forbidden("SPARQL Update is not allowed: this endpoint is read-only")
        queries = params.getlist("query")
    elif request.mimetype == "application/x-www-form-urlencoded":
        params = request.form
        if "update" in params:
            raise Forbidden("SPARQL Update is not allowed: this endpoint is read-only")
        queries = params.getlist("query")
        if not queries:
            raise BadRequest("a form POST needs one 'query' parameter")
    elif request.mimetype == "application/sparql-query":
        params = request.args
        if "query" in params:
            raise BadRequest("a direct POST carries the query in its body, not in a 'query' parameter")
        return request.get_data(as_text=True), params
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


def _respond(answer, etag: str) -> Response:
    mimetype = answer.media_type
    response = Response(answer.body, mimetype=mimetype)
    if mimetype.startswith(TEXT_TYPES):
        response.headers["Content-Type"] = f"{mimetype}; charset=utf-8"
    response.headers["ETag"] = etag
    response.headers["Cache-Control"] = "public, max-age=60"
    response.headers["X-CQKG-Rows"] = str(answer.rows)
    response.headers["X-CQKG-Cache"] = "miss"  # the response cache replays it with "hit"
    response.vary.add("Accept")
    if answer.truncated:
        response.headers["X-CQKG-Truncated"] = "true"
        response.headers["Warning"] = f'199 cqkg "result truncated to {answer.rows} rows; add LIMIT/OFFSET to page"'
    return response


def _not_modified(etag: str) -> Response:
    response = Response(status=304)
    response.headers["ETag"] = etag
    response.vary.add("Accept")
    return response


def _describe_service(endpoint) -> Response:
    from cqkg.web import ui
    accept = request.accept_mimetypes
    if accept.best_match(["text/html", "text/turtle"]) == "text/html" and accept.quality("text/html") > 0:
        return ui.query_page()
    choice = negotiate(request.headers.get("Accept"), request.args.get("format"))
    if choice.graph is None:
        raise NotAcceptable("the service description is RDF: ask for Turtle, N-Triples, JSON-LD, RDF/XML, TriG or N-Quads")
    triples = service_description(request.base_url, endpoint.named_graphs, endpoint.settings)
    body = serialize.graph(triples, choice.graph, {"sd": "http://www.w3.org/ns/sparql-service-description#",
                                                   "cq": PREFIXES["cq"]})
    response = Response(body, mimetype=choice.graph)
    response.vary.add("Accept")
    return response

