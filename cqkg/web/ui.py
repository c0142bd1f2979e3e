"""The pages researchers use from a browser: the query page at / (and at /sparql for browsers asking for HTML).

``init_app`` also registers the browser's companions: search (``cqkg.web.search``)
and the query editor's data and static files (``cqkg.web.editor``).
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask, current_app, render_template

from cqkg.namespaces import BASE

blueprint = Blueprint("ui", __name__, template_folder="templates")


def init_app(app: Flask) -> None:
    """Register the page at /, search and the editor's routes."""
    from cqkg.web import editor, search

    app.register_blueprint(blueprint)
    search.init_app(app)
    editor.init_app(app)


@blueprint.get("/")
def index():
    """The query page."""
    return query_page()


def query_page():
    """Render the query page with the example queries of queries/ (title, description, text).

    With the editor's bundle built (``make serve`` runs npm and esbuild), the page loads
    it; without, it keeps the plain textarea and its small inline script.
    """
    from cqkg.web.editor import bundle_version

    endpoint = current_app.extensions["cqkg"]
    return render_template("query.html", examples=example_queries(Path(endpoint.settings.root) / "queries"),
                           version=endpoint.version, settings=endpoint.settings, bundle=bundle_version(), base_iri=BASE)


def example_queries(folder: Path) -> list[dict]:
    """Return the queries of ``folder`` as dicts with name, title, description and text, by title."""
    examples = []
    for path in sorted(folder.glob("*.rq")):
        text = path.read_text(encoding="utf-8")
        header = {line[2:].split(":", 1)[0]: line.split(":", 1)[1].strip()
                  for line in text.splitlines() if line.startswith("# ") and ":" in line}
        examples.append({"name": path.stem, "title": header.get("title", path.stem),
                         "description": header.get("description", ""), "text": text})
    return sorted(examples, key=lambda e: e["title"])
