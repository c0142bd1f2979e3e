"""Dereferencing: every IRI under https://w3id.org/cqkg/ answers at the same path on this server.

``/id/<kind>/<slug>``, ``/def/<Term>``, ``/def/`` (the ontology, also ``/def.ttl`` …)
and ``/graph/<name>`` return the page (HTML) or the description (Turtle, N-Triples,
JSON-LD, RDF/XML, TriG, N-Quads), chosen by the Accept header or by a suffix. Every
answer carries ``Vary: Accept``, an ETag (dataset version × IRI × media type; a
matching If-None-Match gets 304) and ``Link`` headers to the other representations.
An IRI the graph does not mention is a 404 (a page for browsers). Pages read the
store in this process (``cqkg.linked_data``), never through the query workers.
"""

from __future__ import annotations

import hashlib

from flask import Blueprint, Flask, Response, current_app, render_template, request
from werkzeug.exceptions import NotAcceptable, NotFound

from cqkg.linked_data.pages import LinkedData
from cqkg.linked_data.rdf import BY_MEDIA_TYPE, serialize
from cqkg.linked_data.resolve import iri_for_path, local_path
from cqkg.linked_data.view import href
from cqkg.namespaces import ONTOLOGY
from cqkg.web.shared import open_store
from cqkg.web import html
from cqkg.web.html import site as _site
from cqkg.web.negotiation import HTML, OFFERS, SUFFIX_OF, choose, split_suffix

blueprint = Blueprint("resources", __name__, template_folder="templates")
MAX_AGE_SECONDS = 300


def init_app(app: Flask) -> None:
    """Open the store for pages in this process and register the dereferencing routes and page filters."""
    app.extensions["cqkg_pages"] = LinkedData(open_store(app))
    app.add_template_filter(href, "href")
    html.init_app(app)
    app.context_processor(lambda: {"version": app.extensions["cqkg_pages"].version})
    app.register_blueprint(blueprint)


def linked_data() -> LinkedData:
    """The pages' state of this process (store, vocabulary, explainer)."""
    return current_app.extensions["cqkg_pages"]


@blueprint.get("/id/<path:rest>")
def entity(rest: str):
    """An entity or a sentence."""
    return resource("id/" + rest)


@blueprint.get("/def/", defaults={"rest": ""})
@blueprint.get("/def/<path:rest>")
def definition(rest: str):
    """An ontology term, or the ontology itself at /def/."""
    return resource("def/" + rest)


@blueprint.get("/def.<suffix>")
def ontology_as(suffix: str):
    """The ontology in the format its suffix names (``/def.ttl``)."""
    return resource("def/." + suffix)


@blueprint.get("/graph/<path:rest>")
def graph(rest: str):
    """A named graph: its description, and its triples when it is small."""
    return resource("graph/" + rest)


def resource(path: str):
    """Answer for the IRI ``path`` names, negotiated (see the module docstring)."""
    state = linked_data()
    iri, media = _iri_and_suffix(path, state)
    if not state.exists(iri):
        return not_found(iri)
    media = media or choose(request.headers.get("Accept"))
    if media is None:
        raise NotAcceptable("no acceptable media type: this resource is served as " + ", ".join(OFFERS))
    etag = hashlib.sha256(f"{state.version}\0{iri}\0{media}".encode("utf-8")).hexdigest()[:32]
    if request.if_none_match.contains(etag):
        response = Response(status=304)
    elif media == HTML:
        page = state.page(iri)
        response = Response(render_template("ld/resource.html", page=page, alternates=_alternates(iri)), mimetype=HTML)
    else:
        response = Response(serialize(state.describe(iri), BY_MEDIA_TYPE[media]), mimetype=media)
    return _headers(response, iri, media, etag)


def _iri_and_suffix(path: str, state: LinkedData) -> tuple[str, str | None]:
    """The IRI and the media type its suffix names; a suffix is one only when the path with it names no IRI."""
    stem, media = split_suffix(path)
    if media is None or state.exists(iri_for_path(path)):
        return iri_for_path(path), None
    return (ONTOLOGY if stem == "def/" else iri_for_path(stem)), media


def _alternates(iri: str) -> list[dict]:
    """The URL of each representation of ``iri``: /id/org/cigit.ttl, /def.ttl …"""
    base = "/def" if iri == ONTOLOGY else local_path(iri)
    return [{"media_type": media, "suffix": SUFFIX_OF[media], "href": f"{base}.{SUFFIX_OF[media]}"} for media in OFFERS]


def _headers(response: Response, iri: str, media: str, etag: str) -> Response:
    response.set_etag(etag)
    response.vary.add("Accept")
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE_SECONDS
    links = [f'<{_site(a["href"])}>; rel="alternate"; type="{a["media_type"]}"' for a in _alternates(iri)]
    response.headers["Link"] = ", ".join(links)
    response.headers["Content-Location"] = _site(next(a["href"] for a in _alternates(iri) if a["media_type"] == media))
    return response


def not_found(iri: str):
    """404 for an IRI the graph does not mention: a page for browsers, the JSON error body for programs."""
    if choose(request.headers.get("Accept")) == HTML:
        response = Response(render_template("ld/not_found.html", iri=iri), status=404, mimetype=HTML)
        response.vary.add("Accept")
        return response
    raise NotFound(f"the graph does not mention <{iri}>")


