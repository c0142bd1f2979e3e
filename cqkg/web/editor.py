"""What the query editor asks the server for besides /sparql: its script, its vocabulary and labels.

- ``/static/editor/<file>``: the editor's bundle (``cqkg/web/static/dist/``, made by
  esbuild from ``cqkg/web/static/src/`` and the npm packages of package.json; see the
  Makefile). Without it the query page falls back to a plain textarea.
- ``GET /editor/terms``: the cqkg prefixes and the ontology's classes and properties
  (prefixed name, IRI, kind, English label), for completion. Built once per process.
- ``GET|POST /labels``: the English and Chinese labels of up to ``MAX_LABEL_IRIS`` IRIs
  (``iri`` parameters, or a JSON list in the body), from the search index, with the
  local path of each IRI under the cqkg base.
"""

from __future__ import annotations

import json
import mimetypes
from pathlib import Path

from flask import Blueprint, Flask, Response, jsonify, request
from werkzeug.exceptions import BadRequest, NotFound
from werkzeug.security import safe_join

from cqkg.namespaces import PREFIXES, shorten
from cqkg.web.search import local_path, search_index
from cqkg.web.shared import knowledge_graph, once

blueprint = Blueprint("editor", __name__)
BUNDLE_DIR = Path(__file__).parent / "static" / "dist"
MAX_LABEL_IRIS = 1000
TERM_KINDS = {"owl:Class": "class", "rdfs:Class": "class", "owl:ObjectProperty": "property",
              "owl:DatatypeProperty": "property", "owl:AnnotationProperty": "property", "rdf:Property": "property"}


def init_app(app: Flask) -> None:
    """Register the editor's bundle, vocabulary and label routes."""
    app.register_blueprint(blueprint)


def bundle_version() -> str | None:
    """A version tag of the built editor bundle (its modification time), or None when it was not built."""
    script = BUNDLE_DIR / "editor.js"
    return str(int(script.stat().st_mtime)) if script.is_file() else None


@blueprint.get("/static/editor/<path:filename>")
def bundle(filename: str):
    """A file of the editor's bundle, read whole so that the compression after the route gzips it."""
    path = safe_join(str(BUNDLE_DIR), filename)
    if path is None or not Path(path).is_file():
        raise NotFound(f"no file {filename[:100]!r} in the editor's bundle")
    response = Response(Path(path).read_bytes(), mimetype=mimetypes.guess_type(path)[0] or "application/octet-stream")
    response.cache_control.public, response.cache_control.max_age = True, 3600  # the page links it with ?v=<mtime>
    return response


@blueprint.get("/editor/terms")
def terms():
    """{"prefixes": {prefix: namespace}, "terms": [{"name", "iri", "kind", "label"}, …]} for completion."""
    return jsonify(once("cqkg.editor.terms", lambda: {"prefixes": PREFIXES, "terms": _ontology_terms()}))


def _ontology_terms() -> list[dict]:
    kinds = " ".join(TERM_KINDS)
    rows = knowledge_graph().select(f"""
        SELECT ?term ?kind (SAMPLE(?l) AS ?label) WHERE {{
            GRAPH ?g {{ ?term a ?kind }} VALUES ?kind {{ {kinds} }} FILTER(isIRI(?term))
            OPTIONAL {{ ?term rdfs:label ?l FILTER(LANG(?l) = "en") }}
        }} GROUP BY ?term ?kind ORDER BY ?term""")
    found = {}
    for row in rows:
        name = shorten(row["term"])
        if name is not None:
            found.setdefault(name, {"name": name, "iri": row["term"], "kind": TERM_KINDS[shorten(row["kind"])],
                                    "label": row["label"] or ""})
    return sorted(found.values(), key=lambda term: term["name"])


@blueprint.route("/labels", methods=["GET", "POST"])
def labels():
    """{"labels": {iri: {"en", "zh", "url"}}} for the IRIs asked that have a label."""
    iris = _asked_iris()
    index = search_index()
    found = {}
    for iri in iris:
        english, chinese = index.labels(iri)
        if english or chinese:
            found[iri] = {"en": english, "zh": chinese, "url": local_path(iri)}
    return jsonify({"labels": found})


def _asked_iris() -> list[str]:
    if request.method == "POST":
        try:
            iris = json.loads(request.get_data(as_text=True))
        except ValueError:
            raise BadRequest("the body must be a JSON list of IRIs") from None
    else:
        iris = request.args.getlist("iri")
    if not isinstance(iris, list) or not all(isinstance(iri, str) and len(iri) <= 2000 for iri in iris):
        raise BadRequest("the body must be a JSON list of IRIs")
    if len(iris) > MAX_LABEL_IRIS:
        raise BadRequest(f"at most {MAX_LABEL_IRIS} IRIs per request, got {len(iris)}")
    return iris
