"""Per-client limit on queries running at once (answered with 429 and Retry-After)."""

from __future__ import annotations

import threading
from contextlib import contextmanager

from werkzeug.exceptions import TooManyRequests


class ClientLimiter:
    """Counts the queries each client address has running, allowing at most ``limit``."""

    def __init__(self, limit: int):
        self.limit = limit
        self._running: dict[str, int] = {}
        self._lock = threading.Lock()

    @contextmanager
    def slot(self, client: str):
        """Hold one of ``client``'s slots for the duration; raise 429 if it has none free."""
        with self._lock:
            running = self._running.get(client, 0)
            if running >= self.limit:
                raise TooManyRequests(f"this client already has {running} queries running "
                                      f"(limit {self.limit}); retry shortly", retry_after=1)
            self._running[client] = running + 1
        try:
            yield
        finally:
            with self._lock:
                left = self._running[client] - 1
                if left:
                    self._running[client] = left
                else:
                    del self._running[client]
