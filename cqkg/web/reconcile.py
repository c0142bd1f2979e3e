"""The W3C Reconciliation Service API (version 0.2, as OpenRefine 3.x speaks it) at /reconcile.

Manifest (GET /reconcile), batch reconciliation (``queries``), data extension
(``extend``), entity preview, and entity, type and property suggest. JSONP
(``callback``) is honoured for old clients; CORS is on every route (cqkg.web.cors).
"""

from __future__ import annotations

import json
import time
from html import escape

from flask import Blueprint, Flask, Response, current_app, request, url_for
from werkzeug.exceptions import BadRequest, NotFound

from cqkg.errors import QueryTimeoutError
from cqkg.linked_data.resolve import local_path
from cqkg.namespaces import DEF, ID
from cqkg.reconcile import EXTENSION_PROPERTIES, Reconciler
from cqkg.web import reconcile_params as params
from cqkg.web.search import search_index
from cqkg.web.shared import knowledge_graph, once

blueprint = Blueprint("reconcile", __name__)
DEFAULT_TYPES = ("Organisation", "ResearchOrganisation", "HigherEducationInstitution", "Enterprise",
                 "AdministrativeDivision", "Place", "InnovationPark", "Expo", "ResearchField", "Industry")


def init_app(app: Flask) -> None:
    """Register the /reconcile routes."""
    app.register_blueprint(blueprint)


def _reconciler() -> Reconciler:
    """The app's Reconciler, over the same search index as /search (built once, on first use)."""
    return once("cqkg.reconciler", lambda: Reconciler(knowledge_graph(), search_index()))


def _json(payload) -> Response:
    callback = request.values.get("callback")
    body = json.dumps(payload, ensure_ascii=False)
    if callback:
        if not callback.replace("_", "").replace(".", "").isalnum():
            raise BadRequest("callback must be a JavaScript identifier")
        return Response(f"{callback}({body});", mimetype="text/javascript")
    return Response(body, mimetype="application/json")


def _type(type_iri: str) -> dict:
    return {"id": type_iri[len(DEF):] if type_iri.startswith(DEF) else type_iri,
            "name": _reconciler().type_names.get(type_iri, type_iri.rsplit("/", 1)[-1])}


def _type_iri(type_id: str | None) -> str | None:
    if not type_id:
        return None
    return type_id if type_id.startswith("http") else DEF + type_id


@blueprint.route("/reconcile", methods=["GET", "POST"])
def service():
    """Manifest, batch reconciliation or data extension, depending on the parameters."""
    settings = current_app.extensions["cqkg"].settings
    if "queries" in request.values:
        return _json(_batch(params.batch(_parse("queries"), settings.reconcile_max_queries,
                                         settings.reconcile_max_chars)))
    if "extend" in request.values:
        return _json(_extend(*params.extend_request(_parse("extend"), settings.reconcile_max_queries)))
    return _json(_manifest())


def _parse(name: str):
    settings = current_app.extensions["cqkg"].settings
    return params.parse_json(request.values[name], name, settings.max_request_bytes)


def _manifest() -> dict:
    base = request.url_root.rstrip("/")
    reconciler = _reconciler()
    return {
        "versions": ["0.2"],
        "name": "cqkg — Chongqing innovation ecosystem",
        "identifierSpace": ID,
        "schemaSpace": DEF,
        "defaultTypes": [{"id": t, "name": reconciler.type_names.get(DEF + t, t)} for t in DEFAULT_TYPES],
        "view": {"url": base + local_path(ID) + "{{id}}"},  # this server's page: w3id.org redirects only once deployed
        "preview": {"url": base + url_for("reconcile.preview") + "?id={{id}}", "width": 420, "height": 140},
        "suggest": {
            "entity": {"service_url": base, "service_path": "/reconcile/suggest/entity"},
            "type": {"service_url": base, "service_path": "/reconcile/suggest/type"},
            "property": {"service_url": base, "service_path": "/reconcile/suggest/property"},
        },
        "extend": {
            "propose_properties": {"service_url": base, "service_path": "/reconcile/propose_properties"},
            "property_settings": [],
        },
    }


def _batch(queries: dict[str, params.ReconcileQuery]) -> dict:
    deadline = time.monotonic() + current_app.extensions["cqkg"].settings.query_timeout
    results = {}
    for key, query in queries.items():
        if time.monotonic() > deadline:
            raise QueryTimeoutError("the reconciliation batch ran past the time limit; send smaller batches")
        candidates = _reconciler().reconcile(query.name, tuple(_type_iri(t) for t in query.types),
                                             query.limit, query.properties)
        results[key] = {"result": [{
            "id": c.entity.id, "name": c.entity.name, "description": c.entity.description,
            "type": [_type(t) for t in sorted(c.entity.types) if t.startswith(DEF)],
            "score": c.score, "match": c.match} for c in candidates]}
    return results


def _extend(ids: list[str], property_ids: list[str]) -> dict:
    properties = [p for p in property_ids if p in EXTENSION_PROPERTIES]
    reconciler = _reconciler()
    rows = {i: {p: [] for p in properties} for i in ids}
    for prop in properties:
        for entity_id, values in reconciler.values(ids, prop).items():
            rows[entity_id][prop] = [_cell(v, reconciler) for v in values]
    return {"meta": [{"id": p, "name": EXTENSION_PROPERTIES[p][0]} for p in properties], "rows": rows}


def _cell(value, reconciler: Reconciler) -> dict:
    if isinstance(value, str) and value.startswith(ID) and value[len(ID):] in reconciler.entities:
        entity = reconciler.entities[value[len(ID):]]
        return {"id": entity.id, "name": entity.name}
    if isinstance(value, (int, float)):
        return {"float": value} if isinstance(value, float) else {"int": value}
    return {"str": str(value)}


@blueprint.get("/reconcile/preview")
def preview():
    """A small HTML card for one entity."""
    entity = _reconciler().entities.get(request.args.get("id", ""))
    if entity is None:
        raise NotFound("no such entity")
    types = ", ".join(_type(t)["name"] for t in sorted(entity.types) if t.startswith(DEF))
    html = (f'<html><body style="font:13px sans-serif;margin:6px"><a href="{escape(ID + entity.id)}" target="_blank">'
            f"<b>{escape(entity.name)}</b></a> {escape(entity.description)}<br><small>{escape(types)}</small></body></html>")
    return Response(html, mimetype="text/html")


@blueprint.get("/reconcile/suggest/<kind>")
def suggest(kind: str):
    """Suggest entities, types or properties whose name starts with (or contains) ``prefix``."""
    prefix = request.args.get("prefix", "")
    if len(prefix) > current_app.extensions["cqkg"].settings.reconcile_max_chars:
        raise BadRequest("'prefix' is too long")
    limit = params.limit_value(request.args.get("limit"))
    cursor = params.limit_value(request.args.get("cursor"), "cursor", default=0)
    if kind == "entity":
        found = [{"id": e.id, "name": e.name, "description": e.description}
                 for e in _reconciler().suggest(prefix, cursor + limit)]
    elif kind == "type":
        found = [{"id": iri[len(DEF):], "name": name} for iri, name in sorted(_reconciler().type_names.items())
                 if prefix.lower() in name.lower() or prefix.lower() in iri.lower()]
    elif kind == "property":
        found = [{"id": pid, "name": label} for pid, (label, _path) in EXTENSION_PROPERTIES.items()
                 if prefix.lower() in pid.lower() or prefix.lower() in label.lower()]
    else:
        raise NotFound(f"no suggest service for {kind[:50]!r}")
    return _json({"result": found[cursor:cursor + limit]})


@blueprint.get("/reconcile/propose_properties")
def propose_properties():
    """The properties a column of entities of ``type`` can be extended with."""
    limit = params.limit_value(request.args.get("limit"), default=len(EXTENSION_PROPERTIES))
    properties = [{"id": pid, "name": label} for pid, (label, _path) in EXTENSION_PROPERTIES.items()][:limit]
    return _json({"type": request.args.get("type", ""), "properties": properties})
