"""The served app: SPARQL queries answered on an asyncio event loop, every other request by Flask.

uvicorn runs it (``cqkg.web.serve``). A query to /sparql is read, checked and
answered by the same ``Exchange`` as the WSGI layer (``cqkg.web.sparql``), from the
same response cache; while a query worker computes, the request holds a coroutine,
not a thread, and a client that hangs up is noticed (``http.disconnect``) and its
query stopped. /healthz is answered on the loop too, so it says whether the loop
itself is alive and never waits for a thread: under 4 runaway and 28 cheap clients,
through Flask its p50 was 43.6 ms. Everything else (pages, dumps, reconciliation, the
service description) goes to the Flask app through a2wsgi's pool of ``settings.threads``
threads, so those routes never wait behind queries. A file Flask sends (a dump, a
CSV table, the VoID description) leaves the thread at once: Flask names it in
``X-Sendfile`` (its USE_X_SENDFILE, turned on here) with the status, length and range
worked out, and the event loop streams the bytes at the pace the client reads, so a
slow download holds no thread.

Why not Flask for queries too: measured on the cheap lookup with one web process,
a thread per request (waitress, or a2wsgi in front of Flask) reached 1,050–1,410
req/s, the event loop 3,020–3,200.
"""

from __future__ import annotations

import asyncio
import io
import json
import time

from a2wsgi import WSGIMiddleware
from a2wsgi.wsgi import build_environ
from werkzeug.http import parse_content_range_header
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, RequestTimeout, ServiceUnavailable

from cqkg.web.cors import cors_headers
from cqkg.web.errors import error_parts
from cqkg.web.sparql import Exchange, health, is_protocol_request

#: Larger answers are finished (gzipped) in a thread: 5.3 MB of results JSON took 19 ms, a stall for every
#: other client of the loop; 256 KiB took 0.9 ms.
OFF_LOOP_BYTES = 256 * 1024
BODILESS_METHODS = ("GET", "HEAD", "OPTIONS")  # their bodies, if any, are not read
FILE_CHUNK_BYTES = 64 * 1024


class AsgiApp:
    """ASGI app over the Flask app ``flask_app`` made by ``cqkg.web.create_app``."""

    def __init__(self, flask_app):
        self.endpoint = flask_app.extensions["cqkg"]
        self.cache = flask_app.extensions.get("cqkg.cache")
        self.settings = self.endpoint.settings
        flask_app.config["USE_X_SENDFILE"] = True  # files are streamed by _FileSender, on the loop
        self.flask = WSGIMiddleware(flask_app, workers=self.settings.threads)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.flask(scope, receive, send)
        tracked = _TrackedSend(send)
        try:
            await self._answer(scope, receive, tracked)
        except asyncio.CancelledError:  # uvicorn is stopping: past its graceful timeout it cancels what still runs
            if not tracked.started:
                await _refuse(tracked, scope, ServiceUnavailable("the server is stopping; try again"))

    async def _answer(self, scope, receive, send) -> None:
        started = time.monotonic()  # one time limit covers the body's arrival, the wait for a worker and the query
        try:  # every body is read here, bounded, before a request may take a thread
            body = await self._body(scope, receive)
        except Exception as error:  # too large or too slow: unless it was read whole, the connection closes
            return await _refuse(send, scope, _request_error(error), close=not isinstance(error, _DrainedBodyTooLarge))
        if scope["method"] not in BODILESS_METHODS:  # the body is whole now (perhaps sent chunked): say its length
            scope = _with_content_length(scope, len(body))
        if scope["path"] == "/healthz" and scope["method"] in ("GET", "HEAD"):
            return await self._health(scope, send)
        if not is_protocol_request(scope["path"], scope["method"]):
            receive = _replay(body, receive)
            return await self.flask(scope, receive, _FileSender(send, receive, scope["method"]))
        await self._protocol(scope, receive, send, body, started)

    async def _protocol(self, scope, receive, send, body: bytes, started: float) -> None:
        """Answer a SPARQL protocol request: from the cache, by a query worker, or (no query) by Flask."""
        try:
            environ = build_environ(scope, io.BytesIO(body))
        except ValueError as error:  # bytes outside ASCII in the query string (httptools lets some through)
            return await _refuse(send, scope, _request_error(error))
        key = self.cache.key(environ) if self.cache is not None else None
        hit = self.cache.lookup(key) if key is not None else None
        if hit is not None:
            return await _send(send, *self.cache.replay(hit, environ))
        exchange = Exchange(self.endpoint, environ, started)
        exchange.plan()
        if exchange.delegate:
            return await self.flask(scope, receive, _FileSender(send, receive, scope["method"]))
        if exchange.response is None:
            try:
                exchange.answered(await self.endpoint.answer_async(
                    exchange.client, exchange.query, exchange.deadline, lambda: _disconnect(receive)))
            except Exception as error:
                exchange.failed(error)
        if len(exchange.response[2]) > OFF_LOOP_BYTES:
            status, headers, body = await asyncio.to_thread(exchange.finish)
        else:
            status, headers, body = exchange.finish()
        if key is not None:
            self.cache.store(key, status, headers, body)
        await _send(send, status, headers, body)

    async def _health(self, scope, send) -> None:
        body = json.dumps(health(self.endpoint)).encode("ascii")
        headers = [("Content-Type", "application/json"), ("Content-Length", str(len(body))), ("Cache-Control", "no-store"),
                   ("Vary", "Accept-Encoding"), *cors_headers(scope["method"], None)]
        await _send(send, "200", headers, b"" if scope["method"] == "HEAD" else body)

    async def _body(self, scope, receive) -> bytes:
        """The request body, at most max_request_bytes, received within the query time limit.

        A body over the limit is still read (and dropped) up to twice the limit, so the
        client, still sending, can read the 413 instead of a reset; a larger one is refused
        at once and its connection closed.
        """
        if scope["method"] in BODILESS_METHODS:
            return b""
        limit = self.settings.max_request_bytes
        drain_limit = 2 * limit + 65536
        declared = int(next((value for name, value in scope["headers"] if name == b"content-length"), b"0"))
        if declared > drain_limit:
            raise RequestEntityTooLarge()
        chunks, size = [], 0
        async with asyncio.timeout(self.settings.query_timeout):
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    raise RequestTimeout("the client closed the connection before sending the whole body")
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > drain_limit:
                    raise RequestEntityTooLarge()
                if size <= limit:
                    chunks.append(chunk)
                if not message.get("more_body"):
                    break
        if size > limit:
            raise _DrainedBodyTooLarge()
        return b"".join(chunks)


class _DrainedBodyTooLarge(RequestEntityTooLarge):
    """A body over the limit that was read whole: the connection can carry the next request."""


class _FileSender:
    """The ``send`` of a Flask response: when it names a file in X-Sendfile, the file's bytes follow its headers."""

    def __init__(self, send, receive, method: str):
        self.send, self.receive, self.method = send, receive, method
        self.path: str | None = None
        self.start = self.length = 0

    async def __call__(self, message) -> None:
        if message["type"] == "http.response.start":
            message = self._take_file(message)
        elif self.path is not None:
            if message.get("more_body"):
                return  # Flask's own body of a file response is empty
            await self._stream()
        await self.send(message)

    def _take_file(self, message: dict) -> dict:
        # uvicorn writes the Date header; werkzeug's conditional responses carry one too
        headers = [(name, value) for name, value in message["headers"] if name != b"date"]
        message = {**message, "headers": headers}
        named = [value for name, value in headers if name == b"x-sendfile"]
        if not named:
            return message
        status = message["status"]
        if status in (200, 206) and self.method != "HEAD":
            self.path = named[0].decode("latin-1")
            length = next((value for name, value in headers if name == b"content-length"), b"0")
            self.length = int(length)
            content_range = next((value for name, value in headers if name == b"content-range"), None)
            if status == 206 and content_range is not None:
                self.start = parse_content_range_header(content_range.decode("latin-1")).start
        return {**message, "headers": [(name, value) for name, value in headers if name != b"x-sendfile"]}

    async def _stream(self) -> None:
        """Send ``length`` bytes of the file from ``start`` until the client hangs up.

        uvicorn's send waits while the client's buffer is full, but returns at once, without
        yielding, once the client is gone: the loop yields each chunk so the watcher can tell.
        """
        gone = asyncio.ensure_future(_disconnect(self.receive))
        try:
            with open(self.path, "rb") as file:
                file.seek(self.start)
                remaining = self.length
                while remaining > 0 and not gone.done():
                    chunk = file.read(min(FILE_CHUNK_BYTES, remaining))
                    if not chunk:
                        break  # the file shrank since Flask measured it: the client sees a short body and a closed connection
                    remaining -= len(chunk)
                    await self.send({"type": "http.response.body", "body": chunk, "more_body": True})
                    await asyncio.sleep(0)
        finally:
            gone.cancel()


class _TrackedSend:
    """The ASGI ``send`` of one request, remembering whether its response has started."""

    def __init__(self, send):
        self.send, self.started = send, False

    async def __call__(self, message) -> None:
        self.started = True
        await self.send(message)


def _with_content_length(scope: dict, size: int) -> dict:
    """``scope`` with its body's framing headers replaced by ``Content-Length: size`` (WSGI reads by length)."""
    headers = [(name, value) for name, value in scope["headers"] if name not in (b"content-length", b"transfer-encoding")]
    return {**scope, "headers": headers + [(b"content-length", str(size).encode("ascii"))]}


async def _refuse(send, scope, error: Exception, close: bool = True) -> None:
    """Answer ``error`` with the JSON error body and CORS; ``close`` the connection when a body may be left unread."""
    status, headers, body = error_parts(error)
    headers += [("Content-Length", str(len(body))), *cors_headers(scope["method"], None)]
    if close:
        headers.append(("Connection", "close"))
    await _send(send, str(status), headers, body)


def _request_error(error: Exception) -> Exception:
    if isinstance(error, TimeoutError):
        return RequestTimeout("the request body did not arrive within the time limit")
    if isinstance(error, (UnicodeDecodeError, ValueError)):
        return BadRequest("the request line or headers are not valid (a Content-Length that is not a number, "
                          "or bytes outside ASCII in the query string)")
    return error


def _replay(body: bytes, receive):
    """A ``receive`` giving the body already read, then what the client sends next (its disconnect)."""
    pending = [{"type": "http.request", "body": body, "more_body": False}]

    async def replayed():
        return pending.pop() if pending else await receive()

    return replayed


async def _disconnect(receive) -> None:
    """Return when the client has disconnected (after the body, uvicorn's receive waits for that)."""
    while (await receive())["type"] != "http.disconnect":
        pass


async def _send(send, status: str, headers: list, body: bytes) -> None:
    await send({"type": "http.response.start", "status": int(status[:3]),
                "headers": [(name.lower().encode("latin-1"), value.encode("latin-1")) for name, value in headers]})
    await send({"type": "http.response.body", "body": body})


def access_log(app, log):
    """Wrap an ASGI ``app`` so each request logs method, path, status and duration to ``log``."""

    async def logged(scope, receive, send):
        if scope["type"] != "http":
            return await app(scope, receive, send)
        started, status = time.perf_counter(), "-"

        async def recording_send(message):
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await app(scope, receive, recording_send)
        finally:
            log.info("%s %s %s %.1fms", scope["method"], scope["path"], status, (time.perf_counter() - started) * 1000)

    return logged
