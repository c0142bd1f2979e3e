"""CORS on every route, so that browser clients on other origins can query (preflight included)."""

from __future__ import annotations

from flask import Flask, request

ALLOWED_HEADERS = "Accept, Accept-Encoding, Content-Type, If-None-Match, Range"
EXPOSED_HEADERS = "ETag, Content-Length, Content-Encoding, X-CQKG-Truncated, X-CQKG-Rows, X-CQKG-Cache, Retry-After"


def init_app(app: Flask) -> None:
    """Add the CORS headers to every response; OPTIONS preflights are answered by Flask with 200."""

    @app.after_request
    def add_cors_headers(response):
        response.headers["Access-Control-Allow-Origin"] = "*"
        response.headers["Access-Control-Expose-Headers"] = EXPOSED_HEADERS
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, POST, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = request.headers.get(
                "Access-Control-Request-Headers", ALLOWED_HEADERS)
            response.headers["Access-Control-Max-Age"] = "86400"
        return response
