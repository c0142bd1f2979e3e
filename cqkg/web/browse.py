"""Browsing by class: /classes/ lists every class with instances; /classes/<prefixed name> lists one
class's instances (its subclasses' included), paged: ``?page=N`` (from 1) and ``?size=N`` (at most 200).
"""

from __future__ import annotations

from flask import Blueprint, Flask, Response, render_template, request
from werkzeug.exceptions import BadRequest, NotFound

from cqkg.linked_data import classes as listing
from cqkg.linked_data.pages import class_path
from cqkg.linked_data.view import href
from cqkg.namespaces import PREFIXES, shorten, term
from cqkg.web.negotiation import HTML
from cqkg.web.resources import linked_data

blueprint = Blueprint("browse", __name__, template_folder="templates")
MAX_PAGE = 100_000


def init_app(app: Flask) -> None:
    """Register the class pages."""
    app.register_blueprint(blueprint)


@blueprint.get("/classes/")
def classes():
    """Every class that has instances, with their number (subclasses included), cqkg's own classes first."""
    state = linked_data()
    rows = [{"iri": iri, "count": n, "labels": state.labels(iri), "href": class_path(iri), "curie": shorten(iri)}
            for iri, n in listing.all_class_counts(state.kg).items()]
    rows.sort(key=lambda r: (not (r["curie"] or "").startswith("cq:"), -r["count"], r["curie"] or r["iri"]))
    return Response(render_template("ld/classes.html", rows=rows), mimetype=HTML)


@blueprint.get("/classes/<name>")
def instances(name: str):
    """One page of the instances of the class ``name`` (a prefixed name such as ``cq:District``)."""
    state = linked_data()
    iri = _class_iri(name)
    total = listing.instance_count(state.kg, iri)
    if total == 0 and iri not in state.vocabulary.broader and iri not in state.vocabulary.narrower:
        raise NotFound(f"{name} is not a class of the graph")
    page, size = _number("page", 1, MAX_PAGE), _number("size", listing.PAGE_SIZE, listing.MAX_PAGE_SIZE)
    rows, more = listing.instances(state.kg, iri, page - 1, size)
    if page > 1 and not rows:
        raise NotFound(f"{name} has no page {page} of {size} instances")
    subclasses = sorted(state.vocabulary.narrower.get(iri, ()))
    counts = listing.instance_counts(state.kg, subclasses)
    return Response(render_template(
        "ld/class.html", iri=iri, name=name, labels=state.labels(iri), total=total, rows=rows, page=page, size=size,
        more=more, href=href, labels_of=state.labels, class_path=class_path, curie=shorten,
        subclasses=[{"iri": c, "labels": state.labels(c), "count": counts.get(c, 0), "href": class_path(c), "curie": shorten(c)}
                    for c in subclasses]), mimetype=HTML)


def _class_iri(name: str) -> str:
    """The IRI of a prefixed name of PREFIXES (404 for another prefix)."""
    prefix, colon, local = name.partition(":")
    if not colon or prefix not in PREFIXES or not local:
        raise NotFound(f"{name[:100]!r} is not a prefixed name of cqkg's prefixes (e.g. cq:District)")
    return term(name)


def _number(parameter: str, default: int, most: int) -> int:
    """A whole-number query parameter between 1 and ``most`` (400 otherwise)."""
    raw = request.args.get(parameter)
    if raw is None:
        return default
    if not (raw.isdigit() and len(raw) <= 6) or not 1 <= int(raw) <= most:
        raise BadRequest(f"{parameter} must be a whole number from 1 to {most}")
    return int(raw)
