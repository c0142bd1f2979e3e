"""uvicorn's HTTP/1.1 protocol with the bounds a public server needs, and header names R can read.

uvicorn closes a keep-alive connection that stays idle, but a new connection that
sends nothing, or sends its head a byte at a time, is kept open for ever, and the
head's size is not limited. Here the head of each request must arrive whole within
``timeout_keep_alive`` seconds (of the connection opening, of the previous response,
or of the request's first byte, whichever applies), and is at most MAX_HEAD_BYTES,
counted from the request's first byte; otherwise the connection is closed (431 for a
head too large, 414 for a URL longer than httptools can parse; what the client goes on
sending is read and dropped for LINGER_SECONDS first, so that it can read the refusal
instead of a reset). A client that reads nothing of its answer for ``timeout_keep_alive``
seconds while the server has more to send (the kernel's send queue for it has not
shrunk) is disconnected, so it holds no coroutine, thread or file for ever.

uvicorn writes every response header name in lower case. HTTP says names are
case-insensitive, but R's SPARQL package (through RCurl) finds the charset only
in ``Content-Type``: with ``content-type`` it read our UTF-8 XML as bytes and failed
("StartTag: invalid element name"). So each response head goes out with its names
in the canonical Title-Case (``Content-Type``, ``Etag``), as Go's net/http writes them.
"""

from __future__ import annotations

import fcntl
import functools
import struct
import termios

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

from cqkg.web.cors import cors_headers
from cqkg.web.errors import error_document

MAX_HEAD_BYTES = 256 * 1024  # request line and headers (waitress's default); a GET query counts here
MAX_URL_BYTES = 65535  # httptools.parse_url refuses longer URLs
LINGER_SECONDS = 2.0  # after a refusal, what the client still sends is dropped this long before the connection closes


def _refusal(status: int, reason: str, detail: str) -> bytes:
    """A complete HTTP response with the JSON error body, closing the connection."""
    body = error_document(status, reason, detail)
    headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body))), ("Connection", "close"),
               *cors_headers("GET", None)]
    head = f"HTTP/1.1 {status} {reason}\r\n" + "".join(f"{name}: {value}\r\n" for name, value in headers) + "\r\n"
    return head.encode("latin-1") + body


HEAD_TOO_LARGE = _refusal(431, "Request Header Fields Too Large",
                          f"the request line and headers exceed {MAX_HEAD_BYTES} bytes: POST a long query")
URL_TOO_LONG = _refusal(414, "URI Too Long", f"the request URL exceeds {MAX_URL_BYTES} bytes: POST a long query")


class BoundedHttpProtocol(HttpToolsProtocol):
    """HttpToolsProtocol with a deadline and size caps on each request's head."""

    def connection_made(self, transport) -> None:
        super().connection_made(_TitleCaseHeaders(transport))
        self._refused = False
        self._head_bytes: int | None = None  # bytes of the head being read; None between heads
        self._head_deadline = None
        self._write_stall = None
        self._unsent: int | None = None  # the kernel's send queue when writing paused
        self._arm_head_deadline()

    def data_received(self, data: bytes) -> None:
        if self._refused:
            return  # the refusal is written and the connection is closing
        if self._head_bytes is not None and not self._count_head(len(data)):
            return
        begun_here = self._head_bytes is None
        super().data_received(data)
        if begun_here and self._head_bytes is not None:  # a head began in this chunk and is not complete yet
            self._count_head(len(data))

    def on_message_begin(self) -> None:
        super().on_message_begin()
        self._head_bytes = 0
        self._arm_head_deadline()

    def on_url(self, url: bytes) -> None:
        super().on_url(url)
        if len(self.url) > MAX_URL_BYTES:
            self._refuse(URL_TOO_LONG)

    def on_headers_complete(self) -> None:
        self._head_bytes = None
        self._cancel_head_deadline()
        if not self._refused:
            super().on_headers_complete()

    def on_body(self, body: bytes) -> None:
        if not self._refused:
            super().on_body(body)

    def on_message_complete(self) -> None:
        if not self._refused:
            super().on_message_complete()

    def on_response_complete(self) -> None:
        super().on_response_complete()
        if not self.transport.is_closing() and (self.cycle is None or self.cycle.response_complete):
            self._arm_head_deadline()  # (a pipelined request already read is running: its head is complete)

    def connection_lost(self, exc) -> None:
        self._cancel_head_deadline()
        self._cancel_write_stall()
        super().connection_lost(exc)

    def pause_writing(self) -> None:
        super().pause_writing()
        if self._write_stall is None:
            self._unsent = kernel_unsent_bytes(self.transport)
            self._write_stall = self.loop.call_later(self.timeout_keep_alive, self._check_stalled_reader)

    def resume_writing(self) -> None:
        self._cancel_write_stall()
        super().resume_writing()

    def _cancel_write_stall(self) -> None:
        if self._write_stall is not None:
            self._write_stall.cancel()
            self._write_stall = None

    def _check_stalled_reader(self) -> None:
        """Writing has been paused for a whole timeout: go on if the client read anything meanwhile, else drop it.

        Linux reports a socket writable again only once much of its send buffer has
        drained, which for a steady reader at 78 KB/s took longer than 3 s: progress is
        read from the kernel's send queue instead.
        """
        self._write_stall = None
        unsent = kernel_unsent_bytes(self.transport)
        if unsent is not None and self._unsent is not None and unsent < self._unsent:
            self._unsent = unsent
            self._write_stall = self.loop.call_later(self.timeout_keep_alive, self._check_stalled_reader)
            return
        self.transport.abort()  # connection_lost follows: the response's sender sees a disconnected client

    def _count_head(self, size: int) -> bool:
        """Add ``size`` bytes to the head being read; False (and refused) past MAX_HEAD_BYTES."""
        self._head_bytes += size
        if self._head_bytes > MAX_HEAD_BYTES:
            self._refuse(HEAD_TOO_LARGE)
            return False
        return True

    def _arm_head_deadline(self) -> None:
        if self._head_deadline is None:
            self._head_deadline = self.loop.call_later(self.timeout_keep_alive, self._head_timed_out)

    def _cancel_head_deadline(self) -> None:
        if self._head_deadline is not None:
            self._head_deadline.cancel()
            self._head_deadline = None

    def _head_timed_out(self) -> None:
        self._head_deadline = None
        if not self.transport.is_closing():
            self.transport.close()

    def _refuse(self, response: bytes) -> None:
        self._refused = True
        self._head_bytes = None
        self._cancel_head_deadline()
        if not self.transport.is_closing():
            self.transport.write(response)
            if self.transport.can_write_eof():
                self.transport.write_eof()
            self.loop.call_later(LINGER_SECONDS, self.transport.close)


def kernel_unsent_bytes(transport) -> int | None:
    """Bytes the kernel still holds for the client (sent but not acknowledged, or not sent); None if unknown."""
    sock = transport.get_extra_info("socket")
    try:
        return struct.unpack("i", fcntl.ioctl(sock.fileno(), termios.TIOCOUTQ, b"\0\0\0\0"))[0]
    except (AttributeError, OSError, ValueError):  # no socket, not Linux, or closed
        return None


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
