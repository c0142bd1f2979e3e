"""The ceiling of our stack: a Flask route returning a fixed SPARQL JSON body, on waitress.

Run as ``python -m bench.bare_flask PORT THREADS``.
"""

from __future__ import annotations

import sys

import waitress
from flask import Flask, Response

BODY = (b'{"head": {"vars": ["label"]}, "results": {"bindings": [{"label": {"type": "literal", '
        b'"value": "Chongqing Institute of Green and Intelligent Technology", "xml:lang": "en"}}]}}')


def create_app() -> Flask:
    """A Flask app whose /sparql and /healthz always answer the same fixed body."""
    app = Flask("bare")

    @app.route("/sparql", methods=["GET", "POST"])
    def sparql():
        return Response(BODY, mimetype="application/sparql-results+json")

    @app.get("/healthz")
    def healthz():
        return {"status": "ok"}

    return app


if __name__ == "__main__":
    waitress.serve(create_app(), host="127.0.0.1", port=int(sys.argv[1]), threads=int(sys.argv[2]), ident="bare")
