"""An HTTP response cache in front of the app: the same SPARQL request on the same dataset is answered
from memory without entering Flask.

The key is everything an answer depends on: method, path, query string, body,
the Accept header and whether gzip is accepted. Only complete 200 answers of
/sparql are kept; a conditional request (If-None-Match) whose ETag matches gets
304. Entries live as long as the process, whose dataset never changes, bounded by
count and bytes (least recently used first out).
"""

from __future__ import annotations

import io

from cqkg.web.cache import LRUCache

CACHED_PATHS = ("/sparql",)


class ResponseCache:
    """WSGI middleware caching 200 answers of ``app`` for identical requests."""

    def __init__(self, app, max_entries: int, max_bytes: int, max_body: int):
        self.app, self.max_body = app, max_body
        self.cache = LRUCache(max_entries, max_bytes)

    def __call__(self, environ, start_response):
        key = self._key(environ)
        if key is None:
            return self.app(environ, start_response)
        hit = self.cache.get(key)
        if hit is not None:
            return self._replay(hit, environ, start_response)
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)

        body = b"".join(self.app(environ, capture))
        if captured.get("status", "").startswith("200"):
            headers = [(k, v) for k, v in captured["headers"] if k != "X-CQKG-Cache"] + [("X-CQKG-Cache", "hit")]
            self.cache.put(key, (headers, body), len(body) + sum(len(k) + len(v) for k, v in headers))
        return [body]

    def _key(self, environ):
        if self.cache.max_entries <= 0 or environ.get("PATH_INFO") not in CACHED_PATHS:
            return None
        method = environ.get("REQUEST_METHOD")
        if method == "GET":
            if not environ.get("QUERY_STRING"):
                return None
            body = b""
        elif method == "POST":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            if not 0 < length <= self.max_body:
                return None
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)
        else:
            return None
        return (method, environ.get("QUERY_STRING", ""), environ.get("CONTENT_TYPE", ""), body,
                environ.get("HTTP_ACCEPT", ""), "gzip" in environ.get("HTTP_ACCEPT_ENCODING", ""))

    @staticmethod
    def _replay(hit, environ, start_response):
        headers, body = hit
        etag = next((v for k, v in headers if k == "ETag"), None)
        if etag and etag in environ.get("HTTP_IF_NONE_MATCH", ""):
            start_response("304 NOT MODIFIED", [(k, v) for k, v in headers if k in ("ETag", "Vary", "Cache-Control",
                                                                                       "Access-Control-Allow-Origin")])
            return [b""]
        start_response("200 OK", headers)
        return [body]
