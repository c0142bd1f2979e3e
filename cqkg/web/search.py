"""Search by name at /search: HTML for browsers, JSON for programs, over the one search index.

``GET /search?q=…[&limit=N][&format=json|html]``: the entities (and ontology terms and
graphs) whose labels or aliases match ``q`` in English or Chinese (``cqkg.search``),
best first. JSON when ``format=json`` or when ``Accept`` prefers ``application/json``
(q-values honoured): ``{"query": …, "results": [{"id", "label", "labelZh", "type",
"score", "url", "matched"}, …]}``, ``url`` being the IRI's local path on this server
(where it dereferences) and ``matched`` the name that matched. A missing,
empty or over-long ``q`` (JSON), a bad ``limit`` or ``format`` is a 400 with one line.

The index is built once per process on first use, from the build this process
serves (whose version never changes while it runs), and shared with /reconcile.
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, jsonify, render_template, request
from werkzeug.exceptions import BadRequest

from cqkg.formats import best_offer
from cqkg.linked_data.resolve import local_path as server_path
from cqkg.search import Hit, SearchIndex, rank
from cqkg.web.shared import knowledge_graph, once

blueprint = Blueprint("search", __name__, template_folder="templates")
MAX_QUERY_CHARS = 200
DEFAULT_LIMIT, MAX_LIMIT = 20, 100


def init_app(app: Flask) -> None:
    """Register /search."""
    app.register_blueprint(blueprint)


def search_index() -> SearchIndex:
    """The app's search index, built on first use from the build it serves."""
    return once("cqkg.search", lambda: SearchIndex.build(knowledge_graph()))


def local_path(iri: str) -> str:
    """The path on this server that dereferences ``iri`` (below the app's root), else the IRI itself."""
    path = server_path(iri)
    return request.script_root + path if path else iri


@blueprint.get("/search")
def search():
    """The entities whose names match ``q``, as an HTML page or as JSON."""
    wants_json = _wants_json(request.args.get("format"))
    text = request.args.get("q", "")
    limit = _limit(request.args.get("limit"))
    if len(text) > MAX_QUERY_CHARS:
        raise BadRequest(f"'q' is too long ({len(text):,} characters; at most {MAX_QUERY_CHARS})")
    if not text.strip() and wants_json:
        raise BadRequest("'q' is required: the name (or part of a name) to search for")
    hits = rank(search_index(), text, limit) if text.strip() else []
    results = [_result(hit) for hit in hits]
    if wants_json:
        response = jsonify({"query": text, "results": results})
    else:
        response = Response(render_template("search.html", search_query=text, results=results, limit=limit))
    response.vary.add("Accept")
    return response


def _wants_json(format_name: str | None) -> bool:
    if format_name in ("json", "html"):
        return format_name == "json"
    if format_name:
        raise BadRequest(f"unknown format {format_name[:40]!r}: use json or html")
    return best_offer(request.headers.get("Accept"), ("text/html", "application/json")) == "application/json"


def _limit(raw: str | None) -> int:
    if raw is None or raw == "":
        return DEFAULT_LIMIT
    if not raw.isdigit() or not 1 <= int(raw[:4]) <= MAX_LIMIT or len(raw) > 4:
        raise BadRequest(f"'limit' must be a whole number from 1 to {MAX_LIMIT}, not {raw[:20]!r}")
    return int(raw)


def _result(hit: Hit) -> dict:
    entry = hit.entry
    return {"id": entry.iri, "label": entry.label, "labelZh": entry.label_zh, "type": entry.type_label,
            "score": hit.score, "url": local_path(entry.iri), "matched": hit.name.text}
