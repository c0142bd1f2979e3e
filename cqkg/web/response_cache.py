"""An HTTP response cache in front of the app: the same SPARQL request on the same dataset is answered
from memory without entering Flask.

The key is everything an answer depends on: method, path, query string, body,
the Accept header and whether gzip is accepted. Only complete 200 answers of
/sparql are kept; a conditional request (If-None-Match) whose ETag matches gets
304. Entries live as long as the process, whose dataset never changes, bounded by
count and bytes (least recently used first out). The key kept is a 32-byte digest
of the request, never the request itself, and it is counted in the byte bound.
"""

from __future__ import annotations

import hashlib
import io
import threading

from cachetools import LRUCache
from werkzeug.http import parse_etags

from cqkg.web.compression import accepts_gzip

CACHED_PATHS = ("/sparql",)
#: The headers of a 200 that its 304 repeats (RFC 9110 15.4.5), as the protocol layer sends them.
NOT_MODIFIED_HEADERS = ("ETag", "Cache-Control", "Vary", "Access-Control-Allow-Origin", "Access-Control-Expose-Headers")


class ResponseCache:
    """WSGI middleware caching 200 answers of ``app`` for identical requests."""

    def __init__(self, app, max_entries: int, max_bytes: int, max_body: int):
        self.app, self.max_body, self.max_entries = app, max_body, max_entries
        # One bound in bytes; each entry is charged at least max_bytes / max_entries, which
        # also bounds the count. cachetools is not thread-safe: every access holds the lock.
        self.min_charge = max_bytes // max(1, max_entries)
        self.cache = LRUCache(maxsize=max_bytes, getsizeof=lambda entry: entry[2])
        self.lock = threading.Lock()

    def __call__(self, environ, start_response):
        key = self.key(environ)
        if key is None:
            return self.app(environ, start_response)
        hit = self.lookup(key)
        if hit is not None:
            status, headers, body = self.replay(hit, environ)
            start_response(status, headers)
            return [body]
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info)

        body = b"".join(self.app(environ, capture))
        self.store(key, captured.get("status", ""), captured.get("headers", []), body)
        return [body]

    def lookup(self, key: bytes):
        """The cached entry of ``key``, or None."""
        with self.lock:
            return self.cache.get(key)

    def store(self, key: bytes, status: str, headers: list, body: bytes) -> None:
        """Keep a 200 answer (``status`` is the status line) under ``key``, within the byte bound."""
        if not status.startswith("200"):
            return
        headers = [(k, v) for k, v in headers if k != "X-CQKG-Cache"] + [("X-CQKG-Cache", "hit")]
        size = len(key) + len(body) + sum(len(k) + len(v) for k, v in headers)
        with self.lock:
            if size <= self.cache.maxsize:
                self.cache[key] = (headers, body, max(size, self.min_charge))

    def key(self, environ):
        """The digest naming the answer to the request in ``environ``, or None if it is not cached.

        A POST body is read here (at most ``max_body`` bytes) and put back as ``wsgi.input``.
        """
        if self.max_entries <= 0 or environ.get("PATH_INFO") not in CACHED_PATHS:
            return None
        method = environ.get("REQUEST_METHOD")
        if method == "GET":
            if not environ.get("QUERY_STRING"):
                return None
            body = b""
        elif method == "POST":
            try:
                length = int(environ.get("CONTENT_LENGTH") or 0)
            except ValueError:
                return None
            if not 0 < length <= self.max_body:
                return None
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)
        else:
            return None
        digest = hashlib.blake2b(digest_size=32)
        for part in (method, environ.get("QUERY_STRING", ""), environ.get("CONTENT_TYPE", ""),
                     environ.get("HTTP_ACCEPT", ""), accepts_gzip(environ.get("HTTP_ACCEPT_ENCODING"))):
            digest.update(str(part).encode("utf-8", "surrogateescape") + b"\0")
        digest.update(body)
        return digest.digest()

    @staticmethod
    def replay(hit, environ) -> tuple[str, list, bytes]:
        """The status line, headers and body answering the request in ``environ`` from cache entry ``hit``."""
        headers, body, _size = hit
        etag = next((v for k, v in headers if k == "ETag"), None)
        if etag and parse_etags(environ.get("HTTP_IF_NONE_MATCH")).contains_weak(etag.strip('"')):
            return "304 NOT MODIFIED", [(k, v) for k, v in headers if k in NOT_MODIFIED_HEADERS], b""
        return "200 OK", headers, body
