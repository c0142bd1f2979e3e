"""The SPARQL endpoint (minimal for now: GET and POST queries, JSON/XML/CSV/TSV results)."""

from __future__ import annotations

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, request

from cqkg.errors import QueryError

blueprint = Blueprint("sparql", __name__)

RESULT_TYPES = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "text/csv": ox.QueryResultsFormat.CSV,
    "text/tab-separated-values": ox.QueryResultsFormat.TSV,
}
GRAPH_TYPES = {
    "text/turtle": ox.RdfFormat.TURTLE,
    "application/n-triples": ox.RdfFormat.N_TRIPLES,
    "application/rdf+xml": ox.RdfFormat.RDF_XML,
}


def init_app(app: Flask) -> None:
    """Register the /sparql and /healthz routes."""
    app.register_blueprint(blueprint)


@blueprint.get("/healthz")
def healthz():
    """Liveness: 200 with the dataset version."""
    kg = current_app.extensions["cqkg"]
    return {"status": "ok", "dataset_version": kg.version}


@blueprint.route("/sparql", methods=["GET", "POST"])
def sparql():
    """Answer a SPARQL query given as ``query`` (GET or form POST) or as the body (application/sparql-query)."""
    text = _query_text()
    result = current_app.extensions["cqkg"].query(text)
    if isinstance(result, ox.QueryTriples):
        mime = request.accept_mimetypes.best_match(list(GRAPH_TYPES), "text/turtle")
        body = ox.serialize(list(result), format=GRAPH_TYPES[mime])
    else:
        mime = request.accept_mimetypes.best_match(list(RESULT_TYPES), "application/sparql-results+json")
        body = result.serialize(format=RESULT_TYPES[mime])
    return Response(body, mimetype=mime)


def _query_text() -> str:
    if request.method == "POST" and request.mimetype == "application/sparql-query":
        return request.get_data(as_text=True)
    values = request.values.getlist("query")
    if len(values) != 1:
        raise QueryError("exactly one 'query' parameter is required")
    return values[0]
