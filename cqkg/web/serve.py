"""Serve the web app with waitress, a production WSGI server, logging one line per request."""

from __future__ import annotations

import logging
import sys
import time

from cqkg.settings import Settings

log = logging.getLogger("cqkg.access")


def access_log(app):
    """Wrap a WSGI ``app`` so each request logs method, path, status and duration."""

    def logged(environ, start_response):
        started = time.perf_counter()
        status_holder = {}

        def recording_start_response(status, headers, exc_info=None):
            status_holder["status"] = status.split(" ", 1)[0]
            return start_response(status, headers, exc_info)

        try:
            return app(environ, recording_start_response)
        finally:
            log.info("%s %s %s %.1fms", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"),
                     status_holder.get("status", "-"), (time.perf_counter() - started) * 1000)

    return logged


def serve(settings: Settings) -> None:
    """Run the app for ``settings`` on settings.host:settings.port until interrupted."""
    import waitress

    from cqkg.web import create_app

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    app = create_app(settings)
    log.info("serving cqkg on http://%s:%d/sparql", settings.host, settings.port)
    waitress.serve(access_log(app), host=settings.host, port=settings.port, threads=settings.threads,
                   ident="cqkg")
