"""gzip for clients that accept it, on answers large enough to gain from it."""

from __future__ import annotations

import gzip

from flask import Flask, request

MIN_BYTES = 1024


def init_app(app: Flask) -> None:
    """Compress eligible responses with gzip (deterministic: no timestamp in the header)."""

    @app.after_request
    def compress(response):
        response.vary.add("Accept-Encoding")
        if ("gzip" not in request.accept_encodings or response.direct_passthrough
                or response.status_code < 200 or response.status_code >= 300 or response.status_code == 204
                or "Content-Encoding" in response.headers):
            return response
        body = response.get_data()
        if len(body) < MIN_BYTES:
            return response
        response.set_data(gzip.compress(body, compresslevel=5, mtime=0))
        response.headers["Content-Encoding"] = "gzip"
        return response
