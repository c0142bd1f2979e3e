"""Who the client is, and how many queries it may run at once over every web server process.

The client is the connection's peer address, unless that peer is a configured
trusted proxy: then it is the right-most address in ``X-Forwarded-For`` that is not
itself a trusted proxy (the left-most entries are whatever the client chose to send).
Addresses are compared as parsed IP addresses, never as text.

The limit is kept in shared memory, one row per web server process and one counter
per hash bucket of client addresses, so it holds across processes; a restarted
process has its row cleared, so a crash never leaves a client locked out.
"""

from __future__ import annotations

import ctypes
import ipaddress
import multiprocessing
import zlib
from contextlib import contextmanager

from werkzeug.exceptions import TooManyRequests

from cqkg.errors import CqkgError

BUCKETS = 4096


def trusted_networks(entries: tuple[str, ...]) -> tuple:
    """Parse the trusted-proxy setting into IP networks; raises CqkgError naming a malformed entry."""
    networks = []
    for entry in entries:
        try:
            networks.append(ipaddress.ip_network(entry, strict=False))
        except ValueError:
            raise CqkgError(f"CQKG_TRUSTED_PROXIES: {entry[:100]!r} is not an IP address or network") from None
    return tuple(networks)


def client_address(peer: str | None, forwarded_for: str | None, trusted: tuple) -> str:
    """The client's address: ``peer``, or the forwarded one when ``peer`` is a trusted proxy."""
    peer = peer or "-"
    if not trusted or not forwarded_for or not _is_trusted(peer, trusted):
        return peer
    for hop in reversed([part.strip() for part in forwarded_for.split(",")]):
        try:
            address = ipaddress.ip_address(hop)
        except ValueError:
            return peer  # a malformed chain: fall back to the proxy itself
        if not any(address in network for network in trusted):
            return str(address)
    return peer


def _is_trusted(peer: str, trusted: tuple) -> bool:
    try:
        address = ipaddress.ip_address(peer)
    except ValueError:
        return False
    return any(address in network for network in trusted)


def shared_counters(processes: int):
    """Counters shared by ``processes`` web server processes (create before forking them)."""
    return multiprocessing.Array(ctypes.c_int, processes * BUCKETS)


class ClientLimiter:
    """Allows each client at most ``limit`` queries at once, summed over every process's row of ``counters``."""

    def __init__(self, limit: int, counters=None, row: int = 0):
        self.limit, self.row = limit, row
        self.counters = counters if counters is not None else shared_counters(1)
        self.rows = len(self.counters) // BUCKETS

    @contextmanager
    def slot(self, client: str):
        """Hold one of ``client``'s slots while the block runs; raise 429 if it has none free."""
        bucket = zlib.crc32(client.encode("utf-8", "replace")) % BUCKETS
        mine = self.row * BUCKETS + bucket
        with self.counters.get_lock():
            counts = self.counters.get_obj()  # the raw array: the lock is already held
            running = sum(counts[r * BUCKETS + bucket] for r in range(self.rows))
            if running >= self.limit:
                raise TooManyRequests(f"this client already has {running} queries running "
                                      f"(limit {self.limit}); retry shortly", retry_after=1)
            counts[mine] += 1
        try:
            yield
        finally:
            with self.counters.get_lock():
                self.counters.get_obj()[mine] -= 1

    def clear_row(self, row: int) -> None:
        """Forget every query counted by process ``row`` (after that process was restarted)."""
        with self.counters.get_lock():
            for i in range(row * BUCKETS, (row + 1) * BUCKETS):
                self.counters[i] = 0
