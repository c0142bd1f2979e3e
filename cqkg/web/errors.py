"""One JSON error body everywhere: {"error": {"status": N, "title": ..., "detail": ...}}.

Every failure is mapped once, here (``error_parts``): a CqkgError to its own status,
an HTTP error to its code, anything else to 500 (logged, never disguised as the
client's fault). Flask's error handler and the SPARQL protocol layer
(``cqkg.web.sparql``, which answers outside Flask) both use it. A browser (a client
preferring HTML to JSON) gets the same status, title and detail as a page.
"""

from __future__ import annotations

import json
import logging
from html import escape

from flask import Flask, Response, render_template, request
from werkzeug.exceptions import HTTPException

from cqkg.errors import CqkgError
from cqkg.formats import best_offer

log = logging.getLogger("cqkg")
RETRY_AFTER_SECONDS = {429: "1", 503: "5"}
PASSED_ON_HEADERS = ("Allow", "Retry-After", "Content-Range")  # of an HTTP error's own headers, the ones a client needs
ERROR_TYPES = ("application/json", "text/html")  # JSON unless the client prefers HTML (a browser)


def error_document(status: int, title: str, detail: str) -> bytes:
    """The JSON error body (compact, sorted keys and a final newline, as Flask's ``jsonify`` writes it)."""
    document = {"error": {"status": status, "title": title, "detail": detail}}
    return (json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n").encode("ascii")


def describe_error(error: Exception) -> tuple[int, str, str, list[tuple[str, str]]]:
    """The status, title, detail and headers (Allow, Retry-After) answering ``error``; logs the server's faults."""
    if isinstance(error, CqkgError):
        if error.http_status >= 500:
            log.error("%s: %s", type(error).__name__, error.message)
        status, title, detail, headers = error.http_status, type(error).__name__, error.message, []
    elif isinstance(error, HTTPException):
        status, title, detail = error.code or 500, error.name, error.description or error.name
        headers = [(name, value) for name, value in error.get_headers() if name in PASSED_ON_HEADERS]
    else:
        log.error("internal error", exc_info=error)
        status, title, detail, headers = 500, "Internal Server Error", "the server failed; the error is logged", []
    if status in RETRY_AFTER_SECONDS and not any(name == "Retry-After" for name, _ in headers):
        headers.append(("Retry-After", RETRY_AFTER_SECONDS[status]))
    return status, title, detail, headers


def error_parts(error: Exception) -> tuple[int, list[tuple[str, str]], bytes]:
    """The status, headers and JSON body answering ``error``."""
    status, title, detail, headers = describe_error(error)
    return status, [("Content-Type", "application/json"), *headers], error_document(status, title, detail)


def init_app(app: Flask) -> None:
    """Register the error handler: the JSON error body, or a page for a browser."""

    @app.errorhandler(Exception)
    def _any_error(error: Exception):
        status, title, detail, headers = describe_error(error)
        if best_offer(request.headers.get("Accept"), ERROR_TYPES) == "text/html":
            response = Response(_error_page(status, title, detail), status=status, mimetype="text/html")
        else:
            response = Response(error_document(status, title, detail), status=status, mimetype="application/json")
        for name, value in headers:
            response.headers[name] = value
        response.vary.add("Accept")
        return response


def _error_page(status: int, title: str, detail: str) -> str:
    """The HTML error page for a browser: the JSON body's title and detail."""
    try:
        return render_template("error.html", status=status, title=title, detail=detail)
    except Exception:  # a page that cannot render must not hide the error it reports
        log.exception("the error page could not be rendered")
        return f"<!doctype html><title>{status}</title><p>{escape(detail)}</p>"
