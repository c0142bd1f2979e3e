"""One JSON error body everywhere: {"error": {"status": N, "title": ..., "detail": ...}}."""

from __future__ import annotations

from flask import Flask, jsonify
from werkzeug.exceptions import HTTPException

from cqkg.errors import CqkgError


def error_response(status: int, title: str, detail: str):
    """Return a Flask response with the cqkg error body and ``status``."""
    response = jsonify({"error": {"status": status, "title": title, "detail": detail}})
    response.status_code = status
    return response


def init_app(app: Flask) -> None:
    """Map CqkgError, HTTP errors and unexpected failures to the one error body."""

    @app.errorhandler(CqkgError)
    def _cqkg_error(error: CqkgError):
        return error_response(error.http_status, type(error).__name__, error.message)

    @app.errorhandler(HTTPException)
    def _http_error(error: HTTPException):
        response = error_response(error.code or 500, error.name, error.description or error.name)
        for header in ("Allow", "Retry-After"):
            value = error.get_headers() and dict(error.get_headers()).get(header)
            if value:
                response.headers[header] = value
        return response

    @app.errorhandler(Exception)
    def _unexpected(error: Exception):
        app.logger.exception("internal error")
        return error_response(500, "Internal Server Error", "the server failed; the error is logged")
