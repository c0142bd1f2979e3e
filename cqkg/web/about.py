"""The dataset's own pages: /about, /validation (the SHACL report, as a page or as RDF), and the HTML
that browsers get for /dumps/ and /.well-known/void (``cqkg.web.dumps`` asks for it).

/about answers JSON too (``Accept: application/json``): the same figures as ``cqkg stats --json``.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from flask import Blueprint, Flask, Response, current_app, jsonify, render_template, request
from werkzeug.exceptions import NotAcceptable, NotFound

from cqkg.build.report import read_report
from cqkg.linked_data.about import About
from cqkg.linked_data.pages import class_path
from cqkg.linked_data.rdf import BY_MEDIA_TYPE, REPRESENTATIONS
from cqkg.linked_data.validation import report_triples
from cqkg.namespaces import PREFIXES, REGISTRIES, shorten
from cqkg.web.negotiation import HTML, choose
from cqkg.web.resources import linked_data

blueprint = Blueprint("about", __name__, template_folder="templates")
LINKED = """SELECT (COUNT(DISTINCT ?e) AS ?n) WHERE {
    ?e owl:sameAs|skos:exactMatch|skos:closeMatch ?x FILTER(STRSTARTS(STR(?x), "$PREFIX")) }"""


def init_app(app: Flask) -> None:
    """Register /about and /validation; keep the figures of this build."""
    app.extensions["cqkg_about"] = About(app.extensions["cqkg_pages"].kg)
    app.register_blueprint(blueprint)


def _about() -> About:
    return current_app.extensions["cqkg_about"]


def _dist() -> Path:
    return Path(current_app.extensions["cqkg"].settings.dist_dir)


@blueprint.get("/about")
def about():
    """The dataset page (HTML), or its figures as JSON."""
    media = choose(request.headers.get("Accept"), (HTML, "application/json"), synonyms=False)
    if media is None:
        raise NotAcceptable("/about is served as text/html or application/json")
    about, kg = _about(), linked_data().kg
    figures = about.figures()
    if media != HTML:
        response = jsonify({"figures": figures, "metadata": about.metadata(), "files": about.release_files(_dist())})
    else:
        state = linked_data()
        labels = {iri: state.labels(iri) for iri in figures["entities_per_class"]}
        response = Response(render_template(
            "ld/about.html", figures=figures, metadata=about.metadata(), files=about.release_files(_dist()),
            labels=labels, class_path=class_path, curie=shorten, manifest=kg.manifest,
            linked={name: _linked(kg, prefix) for name, (prefix, _registry) in REGISTRIES.items()}), mimetype=HTML)
    response.vary.add("Accept")
    return response


def _linked(kg, prefix: str) -> int:
    return kg.select(LINKED.replace("$PREFIX", prefix))[0]["n"]


@blueprint.get("/validation")
def validation():
    """The build's full SHACL report: a page for browsers, a sh:ValidationReport in an RDF format for programs."""
    state = linked_data()
    media = choose(request.headers.get("Accept"), (HTML,) + tuple(r.media_type for r in REPRESENTATIONS))
    if media is None:
        raise NotAcceptable("/validation is served as HTML or in an RDF format")
    report = read_report(current_app.extensions["cqkg"].settings.build_dir, state.kg.manifest.get("fingerprint", ""))
    if media == HTML:
        response = Response(render_template("ld/validation.html", report=report, counts=state.kg.manifest.get("validation", {})),
                            mimetype=HTML)
    elif report is None:
        raise NotFound("this build keeps no SHACL report: run `cqkg build --force`")
    else:
        response = Response(ox.serialize(report_triples(report), format=BY_MEDIA_TYPE[media].rdf_format,
                                         prefixes={"sh": PREFIXES["sh"]}), mimetype=media)
    response.vary.add("Accept")
    return response


def dumps_page():
    """/dumps/ for a browser: every release file with its size and checksum."""
    return _html(render_template("ld/dumps.html", files=_about().release_files(_dist())))


def void_page(turtle: bytes):
    """/.well-known/void for a browser: the data set's description, its files, and the VoID text itself."""
    return _html(render_template("ld/void.html", metadata=_about().metadata(), files=_about().release_files(_dist()),
                                 turtle=turtle.decode("utf-8")))


def _html(body: str) -> Response:
    response = Response(body, mimetype=HTML)
    response.vary.add("Accept")
    return response
