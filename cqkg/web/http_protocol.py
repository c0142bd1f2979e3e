"""uvicorn's HTTP/1.1 protocol with the bounds a public server needs, and header names R can read.

uvicorn closes a keep-alive connection that stays idle, but a new connection that
sends nothing, or sends its head a byte at a time, is kept open for ever, and the
head's size is not limited. Here the head of each request must arrive whole within
``timeout_keep_alive`` seconds of the connection opening (or of the previous
response), and is at most MAX_HEAD_BYTES; otherwise the connection is closed (431
for a head too large).

uvicorn writes every response header name in lower case. HTTP says names are
case-insensitive, but R's SPARQL package (through RCurl) finds the charset only
in ``Content-Type``: with ``content-type`` it read our UTF-8 XML as bytes and failed
("StartTag: invalid element name"). So each response head goes out with its names
in the canonical Title-Case (``Content-Type``, ``Etag``), as Go's net/http writes them.
"""

from __future__ import annotations

import functools

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

MAX_HEAD_BYTES = 256 * 1024  # request line and headers (waitress's default); a GET query counts here
_REASON = f"the request line and headers exceed {MAX_HEAD_BYTES} bytes (POST a long query)\n".encode("ascii")
HEAD_TOO_LARGE = (b"HTTP/1.1 431 Request Header Fields Too Large\r\ncontent-type: text/plain; charset=utf-8\r\n"
                  b"connection: close\r\ncontent-length: %d\r\n\r\n%s" % (len(_REASON), _REASON))


class BoundedHttpProtocol(HttpToolsProtocol):
    """HttpToolsProtocol with a deadline and a size cap on each request's head."""

    def connection_made(self, transport) -> None:
        super().connection_made(_TitleCaseHeaders(transport))
        self._expect_head()

    def data_received(self, data: bytes) -> None:
        if self._head_bytes is not None:
            self._head_bytes += len(data)
            if self._head_bytes > MAX_HEAD_BYTES:
                self._refuse_head()
                return
        super().data_received(data)

    def on_headers_complete(self) -> None:
        self._head_done()
        super().on_headers_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and (self.cycle is None or self.cycle.response_complete):
            self._expect_head()  # (a pipelined request already read is running: its head is complete)

    def connection_lost(self, exc) -> None:
        self._head_done()
        super().connection_lost(exc)

    def _expect_head(self) -> None:
        """Start counting the next request's head and its deadline (the keep-alive timeout)."""
        self._head_done()
        self._head_bytes = 0
        self._head_deadline = self.loop.call_later(self.timeout_keep_alive, self._head_timed_out)

    def _head_done(self) -> None:
        self._head_bytes = None
        deadline = getattr(self, "_head_deadline", None)
        if deadline is not None:
            deadline.cancel()
            self._head_deadline = None

    def _head_timed_out(self) -> None:
        self._head_deadline = None
        if not self.transport.is_closing():
            self.transport.close()

    def _refuse_head(self) -> None:
        self._head_done()
        if not self.transport.is_closing():
            self.transport.write(HEAD_TOO_LARGE)
            self.transport.close()


class _TitleCaseHeaders:
    """A transport that writes the names in a response head in Title-Case; everything else is passed on."""

    def __init__(self, transport):
        self._transport = transport

    def write(self, data: bytes) -> None:
        """uvicorn writes a response's status line and headers in one call, the body in others."""
        if data.startswith(b"HTTP/1.1 ") and data.endswith(b"\r\n\r\n"):
            data = title_case_head(data)
        self._transport.write(data)

    def __getattr__(self, name):
        return getattr(self._transport, name)


def title_case_head(head: bytes) -> bytes:
    """``head`` (status line and headers, as uvicorn wrote them) with every header name in Title-Case."""
    lines = head.split(b"\r\n")
    for i in range(1, len(lines) - 2):  # after the status line, before the blank line that ends the head
        name, colon, value = lines[i].partition(b":")
        lines[i] = _title_case(name) + colon + value
    return b"\r\n".join(lines)


@functools.lru_cache(maxsize=256)
def _title_case(name: bytes) -> bytes:
    return b"-".join(part.capitalize() for part in name.split(b"-"))
