"""Serve the web app: uvicorn in ``fronts`` processes sharing one listening socket.

uvicorn (the httptools parser on uvloop) reads requests on an event loop, so slow
or idle clients hold only a socket, never a thread; ``BoundedHttpProtocol`` adds the
bounds a public server needs: a request's head must arrive whole within
``idle_timeout`` and be at most MAX_HEAD_BYTES, and an idle keep-alive connection
is closed after ``idle_timeout``. Several processes (pre-forked, as gunicorn does) let
the per-request work run on every core instead of behind one interpreter lock; they
share the per-client query limit through shared memory (``cqkg.web.clients``). The
parent only supervises: it restarts a process that dies and stops them all on
SIGTERM or Ctrl-C.
"""

from __future__ import annotations

import logging
import os
import resource
import signal
import socket
import time

from cqkg.settings import Settings

log = logging.getLogger("cqkg.access")


def serve(settings: Settings) -> None:
    """Run the app for ``settings`` on settings.host:settings.port until interrupted."""
    from cqkg.web.clients import shared_counters

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(process)d %(name)s %(message)s")
    _raise_open_files_limit()
    listener = socket.create_server((settings.host, settings.port), backlog=2048)
    counters = shared_counters(max(1, settings.fronts))
    log.info("serving cqkg on http://%s:%d/ with %d process(es)", settings.host, settings.port, settings.fronts)
    if settings.fronts <= 1:
        _run_front(settings, listener, counters, 0)
    else:
        _supervise(settings, listener, counters)


def _run_front(settings: Settings, listener: socket.socket, counters, row: int) -> None:
    """One web server process: the app with its own workers, on the shared ``listener``."""
    import uvicorn

    from cqkg.web import create_app
    from cqkg.web.asgi import AsgiApp, access_log
    from cqkg.web.clients import ClientLimiter
    from cqkg.web.http_protocol import BoundedHttpProtocol

    signal.signal(signal.SIGTERM, _exit_cleanly)
    app = AsgiApp(create_app(settings, limiter=ClientLimiter(settings.max_client_queries, counters, row)))
    config = uvicorn.Config(
        access_log(app, log) if settings.access_log else app, http=BoundedHttpProtocol, loop="uvloop", ws="none",
        lifespan="off", log_config=None, access_log=False, server_header=False,
        proxy_headers=False,  # the client address comes from X-Forwarded-For only via a trusted proxy (cqkg.web.clients)
        limit_concurrency=settings.max_connections, timeout_keep_alive=settings.idle_timeout,
        timeout_graceful_shutdown=5)
    uvicorn.Server(config).run(sockets=[listener])


def _supervise(settings: Settings, listener: socket.socket, counters) -> None:
    """Fork ``settings.fronts`` server processes, restart any that dies, stop all on a signal."""
    from cqkg.web.clients import ClientLimiter

    children: dict[int, int] = {}
    stopping = False

    def start(row: int) -> None:
        pid = os.fork()
        if pid == 0:
            try:
                _run_front(settings, listener, counters, row)
            finally:
                os._exit(0)
        children[pid] = row

    def stop(signum, frame):
        nonlocal stopping
        stopping = True
        for pid in children:
            _signal(pid, signal.SIGTERM)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    for row in range(settings.fronts):
        start(row)
    while children:
        try:
            pid, status = os.wait()
        except ChildProcessError:
            break
        except InterruptedError:
            continue
        row = children.pop(pid, None)
        if row is None or stopping:
            continue
        log.warning("web server process %d ended (status %d); starting another", pid, status)
        ClientLimiter(settings.max_client_queries, counters).clear_row(row)
        time.sleep(0.5)  # a process that dies at once must not be restarted in a tight loop
        start(row)


def _exit_cleanly(signum, frame):
    raise SystemExit(0)


def _signal(pid: int, signum: int) -> None:
    try:
        os.kill(pid, signum)
    except ProcessLookupError:
        pass


def _raise_open_files_limit() -> None:
    """Allow as many open sockets as the system lets this user have."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else 65536
    if soft < wanted:
        resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
