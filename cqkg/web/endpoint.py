"""The endpoint's state between requests: worker pool, client limiter, dataset version.

``Endpoint.answer`` is the one path from a checked QueryRequest to a QueryResponse:
a worker answers within the time limit. (Repeated requests are answered before
this, by the response cache in front of the app: ``cqkg.web.response_cache``.)
"""

from __future__ import annotations

import hashlib

from cqkg.engines import QueryRequest, QueryResponse
from cqkg.settings import Settings
from cqkg.web.limits import ClientLimiter


class Endpoint:
    """Everything the SPARQL routes share: ``pool`` answers, ``version`` names the dataset."""

    def __init__(self, settings: Settings, pool, version: str, named_graphs: list[str]):
        self.settings, self.pool, self.version, self.named_graphs = settings, pool, version, named_graphs
        self.limiter = ClientLimiter(settings.max_client_queries)

    def etag(self, request: QueryRequest) -> str:
        """The strong ETag of the answer to ``request`` on this dataset version and engine."""
        key = repr((self.version, self.settings.engine, request)).encode("utf-8")
        return '"' + hashlib.sha256(key).hexdigest()[:32] + '"'

    def answer(self, client: str, request: QueryRequest) -> QueryResponse:
        """Return the answer to ``request``.

        Raises 429 when ``client`` has too many queries running, and the engine's
        errors (QueryError, QueryTimeoutError, ...).
        """
        with self.limiter.slot(client):
            return self.pool.execute(request, timeout=self.settings.query_timeout)

    def close(self) -> None:
        """Stop the worker processes."""
        self.pool.close()
