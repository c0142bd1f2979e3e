"""gzip for clients that accept it, on answers large enough to gain from it."""

from __future__ import annotations

import gzip

from flask import Flask, request
from werkzeug.http import parse_accept_header

MIN_BYTES = 1024


def accepts_gzip(accept_encoding: str | None) -> bool:
    """True if an ``Accept-Encoding`` header value accepts gzip: by name or ``*``, in any case, with q above 0."""
    return parse_accept_header(accept_encoding).quality("gzip") > 0


def worth_compressing(status: int, body: bytes) -> bool:
    """True for a successful answer with content large enough to gain from gzip."""
    return 200 <= status < 300 and status != 204 and len(body) >= MIN_BYTES


def gzipped(body: bytes) -> bytes:
    """``body`` compressed with gzip (deterministic: no timestamp in the header)."""
    return gzip.compress(body, compresslevel=5, mtime=0)


def init_app(app: Flask) -> None:
    """Compress eligible responses of Flask's routes with gzip."""

    @app.after_request
    def compress(response):
        response.vary.add("Accept-Encoding")
        if (not accepts_gzip(request.headers.get("Accept-Encoding")) or response.direct_passthrough
                or "Content-Encoding" in response.headers):
            return response
        body = response.get_data()
        if not worth_compressing(response.status_code, body):
            return response
        response.set_data(gzipped(body))
        response.headers["Content-Encoding"] = "gzip"
        return response
