"""What the routes of one web process share, each made once on first use and kept while the
process serves its build (whose version never changes): the read-only store, the search
index, the reconciler, the editor's terms."""

from __future__ import annotations

import threading
from typing import Callable, TypeVar

from flask import current_app

from cqkg.store import KnowledgeGraph

T = TypeVar("T")
_LOCK = threading.RLock()  # re-entrant: making the search index asks for the store


def once(name: str, make: Callable[[], T]) -> T:
    """The app's object called ``name``, made by ``make()`` the first time it is asked for (thread-safe)."""
    value = current_app.extensions.get(name)
    if value is None:
        with _LOCK:
            value = current_app.extensions.get(name)
            if value is None:
                value = current_app.extensions[name] = make()
    return value


def open_store(app) -> KnowledgeGraph:
    """The app's read-only view of the built store it serves, opened once (usable before any request)."""
    with _LOCK:
        if "cqkg.graph" not in app.extensions:
            app.extensions["cqkg.graph"] = KnowledgeGraph.open(app.extensions["cqkg"].settings.build_dir)
        return app.extensions["cqkg.graph"]


def knowledge_graph() -> KnowledgeGraph:
    """The current app's read-only store (see ``open_store``)."""
    return open_store(current_app)
