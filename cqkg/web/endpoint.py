"""The endpoint's state between requests: worker pool, client limiter, dataset version.

``Endpoint.answer`` is the one path from a checked QueryRequest to a QueryResponse:
bounds checked, then a worker answers within the request's deadline. (Repeated
requests are answered before this, by the response cache in front of the app:
``cqkg.web.response_cache``.)
"""

from __future__ import annotations

import hashlib

from cqkg.query.bounds import check_bounds
from cqkg.query.engines import QueryRequest, QueryResponse
from cqkg.settings import Settings
from cqkg.web.clients import ClientLimiter, trusted_networks


class Endpoint:
    """Everything the SPARQL routes share: ``pool`` answers, ``version`` names the dataset."""

    def __init__(self, settings: Settings, pool, version: str, named_graphs: list[str], limiter: ClientLimiter):
        self.settings, self.pool, self.version, self.named_graphs = settings, pool, version, named_graphs
        self.limiter = limiter
        self.trusted = trusted_networks(settings.trusted_proxies)

    def etag(self, request: QueryRequest) -> str:
        """The strong ETag of the answer to ``request`` on this dataset version and engine."""
        key = repr((self.version, self.settings.engine, request)).encode("utf-8", "surrogatepass")
        return '"' + hashlib.sha256(key).hexdigest()[:32] + '"'

    def check(self, text: str) -> None:
        """Raise QueryError if ``text`` is too long or too deeply nested to be parsed safely."""
        check_bounds(text, self.settings.max_query_chars, self.settings.max_query_depth)

    def answer(self, client: str, request: QueryRequest, deadline: float) -> QueryResponse:
        """Return the answer to ``request`` before ``deadline`` (``time.monotonic()``).

        Raises 429 when ``client`` has too many queries running, and the pool's
        errors (QueryError, QueryTimeoutError, MemoryLimitError, ...).
        """
        with self.limiter.slot(client):
            return self.pool.execute(request, deadline)

    async def answer_async(self, client: str, request: QueryRequest, deadline: float, client_gone=None) -> QueryResponse:
        """``answer`` for the asyncio server; ``client_gone`` returns when the client disconnects."""
        with self.limiter.slot(client):
            return await self.pool.execute_async(request, deadline, client_gone)

    def close(self) -> None:
        """Stop the worker processes."""
        self.pool.close()
