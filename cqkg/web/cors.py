"""CORS on every route (flask-cors), so that browser clients on other origins can query, preflight included."""

from __future__ import annotations

from flask import Flask
from flask_cors import CORS

EXPOSED_HEADERS = ["ETag", "Content-Length", "Content-Encoding", "X-CQKG-Truncated", "X-CQKG-Rows", "X-CQKG-Cache",
                   "Retry-After", "Link"]


def init_app(app: Flask) -> None:
    """Allow every origin (the data is public and nothing uses cookies); preflights are cached a day."""
    CORS(app, send_wildcard=True, expose_headers=EXPOSED_HEADERS, methods=["GET", "HEAD", "POST", "OPTIONS"],
         max_age=86400)
