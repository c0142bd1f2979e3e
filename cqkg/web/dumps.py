"""The release files on the web: /dumps/ (with Content-Length, ETag and range requests),
/.well-known/void (the VoID/DCAT description) and /context.jsonld."""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, current_app, send_from_directory
from werkzeug.exceptions import NotFound

from cqkg.release.folder import MEDIA_TYPES

blueprint = Blueprint("dumps", __name__)


def init_app(app: Flask) -> None:
    """Register the release routes."""
    app.register_blueprint(blueprint)


def _dist() -> Path:
    return Path(current_app.extensions["cqkg"].settings.dist_dir)


def _send(name: str, mimetype: str):
    path = _dist() / name
    if not path.is_file():
        raise NotFound(f"{name} is not in the release folder; run `cqkg export`")
    return send_from_directory(_dist(), name, mimetype=mimetype, conditional=True, etag=True, max_age=3600)


@blueprint.get("/.well-known/void")
def void():
    """The VoID/DCAT description of the release."""
    return _send("void.ttl", "text/turtle")


@blueprint.get("/context.jsonld")
def context():
    """The JSON-LD context of the JSON-LD dump."""
    return _send("context.jsonld", "application/ld+json")


@blueprint.get("/dumps/")
def listing():
    """The dump files: name, bytes and URL of each."""
    files = sorted(p for p in _dist().glob("cqkg-*") if p.is_file())
    return {"dumps": [{"name": p.name, "bytes": p.stat().st_size, "url": f"/dumps/{p.name}"} for p in files],
            "description": "/.well-known/void"}


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
