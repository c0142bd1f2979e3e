"""The web layer: a Flask app factory wiring the SPARQL endpoint, its page, CORS and compression.

``create_app(settings)`` does nothing at import time. It starts the query workers
over the built dataset and registers each module with its ``init_app``. The web
layer holds no RDF logic of its own: query workers decide and answer (``cqkg.query``).
"""

from __future__ import annotations

import atexit

from flask import Flask

from cqkg.build.manifest import STORE, read_manifest, short_version
from cqkg.errors import NotBuiltError
from cqkg.settings import Settings
from cqkg.web.clients import ClientLimiter


def create_app(settings: Settings | None = None, pool=None, limiter=None) -> Flask:
    """Create the cqkg web app for ``settings`` (default: from the environment).

    ``pool`` answers queries (default: a WorkerPool of settings.workers processes
    running settings.engine); ``limiter`` counts each client's running queries
    (default: this process only; ``cqkg serve`` shares one between its processes).
    Raises NotBuiltError when there is no build.
    """
    from cqkg.web import about, browse, compression, cors, dumps, errors, reconcile, resources, sparql, ui
    from cqkg.web.endpoint import Endpoint
    from cqkg.web.response_cache import ResponseCache

    settings = settings or Settings.from_env()
    manifest = read_manifest(settings.build_dir)
    if not manifest or not (settings.build_dir / STORE).is_dir():
        raise NotBuiltError(f"no built dataset in {settings.build_dir}: run `cqkg build` first")
    pool = pool or _worker_pool(settings)
    app = Flask("cqkg")
    app.config["MAX_CONTENT_LENGTH"] = settings.max_request_bytes
    endpoint = Endpoint(settings, pool, short_version(manifest), sorted(manifest.get("graphs", {})),
                        limiter or ClientLimiter(settings.max_client_queries))
    app.extensions["cqkg"] = endpoint
    atexit.register(endpoint.close)
    for module in (errors, cors, compression, sparql, dumps, reconcile, ui, resources, browse, about):
        module.init_app(app)
    app.wsgi_app = sparql.SparqlProtocol(app.wsgi_app, endpoint)
    if settings.cache_entries > 0:
        app.wsgi_app = cache = ResponseCache(app.wsgi_app, settings.cache_entries, settings.cache_bytes,
                                             settings.max_request_bytes)
        app.extensions["cqkg.cache"] = cache  # the asyncio server answers /sparql from the same cache
    return app


def _worker_pool(settings: Settings):
    from cqkg.query.pool import WorkerPool

    options = {"endpoint": settings.remote_endpoint, "timeout": settings.query_timeout} if settings.engine == "remote" else {}
    return WorkerPool(settings.engine, settings.build_dir, settings.workers, settings.max_workers,
                      memory_limit=settings.query_memory_mb * 2**20, long_after=settings.long_query_seconds,
                      allowlist=settings.service_allowlist, **options)
