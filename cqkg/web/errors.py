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
PASSED_ON_HEADERS = ("Allow", "Retry-After")  # of an HTTP error's own headers, the ones a client needs
ERROR_TYPES = ("application/json", "text/html")  # JSON unless the client prefers HTML (a browser)


def error_document(status: int, title: str, detail: str) -> bytes:
    """The JSON error body (compact, sorted keys and a final newline, as Flask's ``jsonify`` writes it)."""
    document = {"error": {"status": status, "title": title, "detail": detail}}
    return (json.dumps(document, sort_keys=True, separators=(",", ":")) + "\n").encode("ascii")


def error_parts(error: Exception) -> tuple[int, list[tuple[str, str]], bytes]:
    """The status, headers and JSON body answering ``error``; logs the ones that are the server's fault."""
    if isinstance(error, CqkgError):
        if error.http_status >= 500:
            log.error("%s: %s", type(error).__name__, error.message)
        status, title, detail, passed_on = error.http_status, type(error).__name__, error.message, []
    elif isinstance(error, HTTPException):
        status, title, detail = error.code or 500, error.name, error.description or error.name
        passed_on = [(name, value) for name, value in error.get_headers() if name in PASSED_ON_HEADERS]
    else:
        log.error("internal error", exc_info=error)
        status, title, detail, passed_on = 500, "Internal Server Error", "the server failed; the error is logged", []
    headers = [("Content-Type", "application/json")]
    if status in RETRY_AFTER_SECONDS and not any(name == "Retry-After" for name, _ in passed_on):
        headers.append(("Retry-After", RETRY_AFTER_SECONDS[status]))
    return status, headers + passed_on, error_document(status, title, detail)


def error_response(status: int, title: str, detail: str) -> Response:
    """A Flask response with the cqkg error body and ``status``."""
    response = Response(error_document(status, title, detail), status=status, mimetype="application/json")
    if status in RETRY_AFTER_SECONDS:
        response.headers["Retry-After"] = RETRY_AFTER_SECONDS[status]
    return response


def init_app(app: Flask) -> None:
    """Register the error handlers."""

    @app.errorhandler(Exception)
    def _any_error(error: Exception):
        status, headers, body = error_parts(error)
        if best_offer(request.headers.get("Accept"), ERROR_TYPES) == "text/html":
            body = _error_page(status, json.loads(body)["error"])
            headers = [("Content-Type", "text/html; charset=utf-8")] + headers[1:]
        response = Response(body, status=status)
        for name, value in headers:
            response.headers[name] = value
        response.vary.add("Accept")
        return response


def _error_page(status: int, error: dict) -> str:
    """The HTML error page for a browser (the JSON body's title and detail)."""
    try:
        return render_template("error.html", status=status, title=error["title"], detail=error["detail"])
    except Exception:  # a page that cannot render must not hide the error it reports
        log.exception("the error page could not be rendered")
        return f"<!doctype html><title>{status}</title><p>{escape(error['detail'])}</p>"
