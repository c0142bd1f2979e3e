"""The endpoint's state between requests: worker pool, result cache, client limiter, dataset version.

``Endpoint.answer`` is the one path from a checked QueryRequest to a QueryResponse:
from the cache if the same question was answered on this dataset version, else
from a worker within the time limit.
"""

from __future__ import annotations

import hashlib

from cqkg.engines import QueryRequest, QueryResponse
from cqkg.settings import Settings
from cqkg.web.cache import ResultCache
from cqkg.web.limits import ClientLimiter


class Endpoint:
    """Everything the SPARQL routes share: ``pool`` answers, ``version`` names the dataset."""

    def __init__(self, settings: Settings, pool, version: str, named_graphs: list[str]):
        self.settings, self.pool, self.version, self.named_graphs = settings, pool, version, named_graphs
        self.cache = ResultCache(settings.cache_entries, settings.cache_bytes)
        self.limiter = ClientLimiter(settings.max_client_queries)

    def etag(self, request: QueryRequest) -> str:
        """The strong ETag of the answer to ``request`` on this dataset version and engine."""
        key = repr((self.version, self.settings.engine, request)).encode("utf-8")
        return '"' + hashlib.sha256(key).hexdigest()[:32] + '"'

    def answer(self, client: str, request: QueryRequest) -> tuple[QueryResponse, bool]:
        """Return (the answer to ``request``, whether it came from the cache).

        Raises 429 when ``client`` has too many queries running, and the engine's
        errors (QueryError, QueryTimeoutError, ...).
        """
        cached = self.cache.get(request)
        if cached is not None:
            return cached, True
        with self.limiter.slot(client):
            response = self.pool.execute(request, timeout=self.settings.query_timeout)
        self.cache.put(request, response, len(response.body) + len(request.query))
        return response, False

    def close(self) -> None:
        """Stop the worker processes."""
        self.pool.close()
