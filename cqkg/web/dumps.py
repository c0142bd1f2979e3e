"""The release files on the web: /dumps/ (with Content-Length, ETag and range requests),
/dumps/csv/ (the CSV tables), /.well-known/void (the VoID/DCAT description) and /context.jsonld.
A browser asking for /dumps/ or /.well-known/void gets a page (``cqkg.web.about``)."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, current_app, jsonify, request, send_from_directory
from werkzeug.exceptions import NotFound

from cqkg.release.folder import MEDIA_TYPES
from cqkg.web.about import dumps_page, void_page
from cqkg.web.negotiation import prefers_html

blueprint = Blueprint("dumps", __name__)


def init_app(app: Flask) -> None:
    """Register the release routes."""
    app.register_blueprint(blueprint)


def _dist() -> Path:
    return Path(current_app.extensions["cqkg"].settings.dist_dir)


def _send(name: str, mimetype: str, folder: Path | None = None):
    folder = folder or _dist()
    try:
        present = (folder / name).is_file()
    except OSError:  # a name longer than the file system allows (Python 3.11 raises ENAMETOOLONG)
        present = False
    if not present:
        raise NotFound(f"{name[:100]} is not in the release folder; run `cqkg export`")
    response = send_from_directory(folder, name, mimetype=mimetype, conditional=True, etag=True, max_age=3600)
    response.vary.add("Accept")
    return response


@blueprint.get("/.well-known/void")
def void():
    """The VoID/DCAT description of the release (a page for browsers)."""
    if prefers_html(request.headers.get("Accept"), "text/turtle") and (_dist() / "void.ttl").is_file():
        return void_page((_dist() / "void.ttl").read_bytes())
    return _send("void.ttl", "text/turtle")


@blueprint.get("/context.jsonld")
def context():
    """The JSON-LD context of the JSON-LD dump."""
    return _send("context.jsonld", "application/ld+json")


@blueprint.get("/dumps/")
def listing():
    """The dump files: name, bytes and URL of each (a page with sizes and checksums for browsers)."""
    if prefers_html(request.headers.get("Accept"), "application/json"):
        return dumps_page()
    files = sorted(p for p in _dist().glob("cqkg-*") if p.is_file())
    response = jsonify({"dumps": [{"name": p.name, "bytes": p.stat().st_size, "url": f"/dumps/{p.name}"} for p in files],
                        "description": "/.well-known/void"})
    response.vary.add("Accept")
    return response


@blueprint.get("/dumps/csv/<name>")
def table(name: str):
    """One CSV table of the release."""
    if not name.endswith(".csv"):
        raise NotFound(name)
    return _send(name, "text/csv", _dist() / "csv")


@blueprint.get("/dumps/<name>")
def dump(name: str):
    """One dump file, with its media type (gzip files as application/gzip, never re-encoded)."""
    if not name.startswith("cqkg-"):
        raise NotFound(name)
    suffix = ".gz" if name.endswith(".gz") else Path(name).suffix
    mimetype = "application/gzip" if suffix == ".gz" else MEDIA_TYPES.get(suffix)
    if mimetype is None:
        raise NotFound(name)
    return _send(name, mimetype)
