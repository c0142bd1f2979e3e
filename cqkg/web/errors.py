"""One JSON error body everywhere: {"error": {"status": N, "title": ..., "detail": ...}}.

Every failure is mapped once, here: a CqkgError to its own status, an HTTP error to
its code, anything else to 500 (logged, never disguised as the client's fault).
"""

from __future__ import annotations

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from cqkg.errors import CqkgError

RETRY_AFTER_SECONDS = {429: "1", 503: "5"}


def error_response(status: int, title: str, detail: str):
    """Return a Flask response with the cqkg error body and ``status``."""
    response = jsonify({"error": {"status": status, "title": title, "detail": detail}})
    response.status_code = status
    if status in RETRY_AFTER_SECONDS:
        response.headers["Retry-After"] = RETRY_AFTER_SECONDS[status]
    return response


def init_app(app: Flask) -> None:
    """Register the error handlers."""

    @app.errorhandler(CqkgError)
    def _cqkg_error(error: CqkgError):
        if error.http_status >= 500:
            app.logger.error("%s: %s", type(error).__name__, error.message)
        return error_response(error.http_status, type(error).__name__, error.message)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        response = error_response(error.code or 500, error.name, error.description or error.name)
        for name, value in error.get_headers():
            if name in ("Allow", "Retry-After"):
                response.headers[name] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("internal error")
        return error_response(500, "Internal Server Error", "the server failed; the error is logged")
