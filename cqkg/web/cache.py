"""A bounded, thread-safe LRU cache of answers, bounded by entry count and total bytes."""

from __future__ import annotations

import threading
from collections import OrderedDict


class LRUCache:
    """Keeps at most ``max_entries`` values whose sizes sum to at most ``max_bytes``."""

    def __init__(self, max_entries: int, max_bytes: int):
        self.max_entries, self.max_bytes = max_entries, max_bytes
        self._items: OrderedDict = OrderedDict()
        self._bytes = 0
        self._lock = threading.Lock()

    def get(self, key):
        """Return the value cached under ``key`` (and mark it recently used), or None."""
        with self._lock:
            item = self._items.get(key)
            if item is None:
                return None
            self._items.move_to_end(key)
            return item[0]

    def put(self, key, value, size: int) -> None:
        """Cache ``value`` of ``size`` bytes under ``key``, evicting the least recently used."""
        if self.max_entries <= 0 or size > self.max_bytes:
            return
        with self._lock:
            if key in self._items:
                self._bytes -= self._items.pop(key)[1]
            self._items[key] = (value, size)
            self._bytes += size
            while len(self._items) > self.max_entries or self._bytes > self.max_bytes:
                _, (_, evicted) = self._items.popitem(last=False)
                self._bytes -= evicted

    def __len__(self) -> int:
        return len(self._items)
