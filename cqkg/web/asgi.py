"""The served app: SPARQL queries answered on an asyncio event loop, every other request by Flask.

uvicorn runs it (``cqkg.web.serve``). A query to /sparql is read, checked and
answered by the same ``Exchange`` as the WSGI layer (``cqkg.web.sparql``), from the
same response cache; while a query worker computes, the request holds a coroutine,
not a thread, and a client that hangs up is noticed (``http.disconnect``) and its
query stopped. Everything else (pages, dumps, reconciliation, /healthz, the service
description) goes to the Flask app through a2wsgi's pool of ``settings.threads``
threads, so those routes never wait behind queries.

Why not Flask for queries too: measured on the cheap lookup with one web process,
a thread per request (waitress, or a2wsgi in front of Flask) reached 1,050–1,410
req/s, the event loop 3,020–3,200.
"""

from __future__ import annotations

import asyncio
import io
import time

from a2wsgi import WSGIMiddleware
from a2wsgi.wsgi import build_environ
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge, RequestTimeout

from cqkg.web.errors import error_parts
from cqkg.web.sparql import Exchange, is_protocol_request

#: Larger answers are finished (gzipped) in a thread: 5.3 MB of results JSON took 19 ms, a stall for every
#: other client of the loop; 256 KiB took 0.9 ms.
OFF_LOOP_BYTES = 256 * 1024


class AsgiApp:
    """ASGI app over the Flask app ``flask_app`` made by ``cqkg.web.create_app``."""

    def __init__(self, flask_app):
        self.endpoint = flask_app.extensions["cqkg"]
        self.cache = flask_app.extensions.get("cqkg.cache")
        self.settings = self.endpoint.settings
        self.flask = WSGIMiddleware(flask_app, workers=self.settings.threads)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.flask(scope, receive, send)
        started = time.monotonic()  # one time limit covers the body's arrival, the wait for a worker and the query
        try:  # every body is read here, bounded, before a request may take a thread
            body = await self._body(scope, receive)
            if not is_protocol_request(scope["path"], scope["method"]):
                return await self.flask(scope, _replay(body, receive), send)
            environ = build_environ(scope, io.BytesIO(body))
        except Exception as error:  # too large, too slow, or not a request WSGI can carry
            status, headers, body = error_parts(_request_error(error))
            return await _send(send, str(status), headers, body)
        key = self.cache.key(environ) if self.cache is not None else None
        hit = self.cache.lookup(key) if key is not None else None
        if hit is not None:
            return await _send(send, *self.cache.replay(hit, environ))
        exchange = Exchange(self.endpoint, environ, started)
        exchange.plan()
        if exchange.delegate:
            return await self.flask(scope, receive, send)
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

    async def _body(self, scope, receive) -> bytes:
        """The request body, at most max_request_bytes, received within the query time limit."""
        if scope["method"] in ("GET", "HEAD", "OPTIONS"):
            return b""
        limit = self.settings.max_request_bytes
        declared = next((value for name, value in scope["headers"] if name == b"content-length"), b"0")
        if int(declared) > limit:
            raise RequestEntityTooLarge()
        chunks, size = [], 0
        async with asyncio.timeout(self.settings.query_timeout):
            while True:
                message = await receive()
                if message["type"] == "http.disconnect":
                    raise RequestTimeout("the client closed the connection before sending the whole body")
                chunk = message.get("body", b"")
                size += len(chunk)
                if size > limit:
                    raise RequestEntityTooLarge()
                chunks.append(chunk)
                if not message.get("more_body"):
                    return b"".join(chunks)


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
