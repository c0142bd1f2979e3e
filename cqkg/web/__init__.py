"""The web layer: a Flask app factory that wires the SPARQL endpoint and health check.

``create_app(settings)`` does nothing at import time; it opens the built dataset
read-only and registers the blueprints. The web layer holds no RDF logic of its
own: it calls ``cqkg.store``.
"""

from __future__ import annotations

from flask import Flask

from cqkg.settings import Settings
from cqkg.store import KnowledgeGraph


def create_app(settings: Settings | None = None, kg: KnowledgeGraph | None = None) -> Flask:
    """Create the cqkg web app for ``settings`` (default: from the environment).

    ``kg`` is the opened dataset; when omitted it is opened from the settings'
    build folder (raises NotBuiltError if there is none).
    """
    settings = settings or Settings.from_env()
    app = Flask("cqkg")
    app.config["CQKG_SETTINGS"] = settings
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    app.extensions["cqkg"] = kg or KnowledgeGraph.open(settings.build_dir)
    from cqkg.web import errors, sparql
    errors.init_app(app)
    sparql.init_app(app)
    return app
