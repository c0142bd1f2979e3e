"""Serve the web app: waitress in ``fronts`` processes sharing one listening socket.

waitress reads each request completely (with a connection limit and an idle
timeout) before a thread handles it, so slow or idle clients hold only a socket.
Several processes (pre-forked, as gunicorn does) let Flask's per-request work run on
every core instead of behind one interpreter lock; they share the per-client query
limit through shared memory (``cqkg.web.clients``). The parent only supervises: it
restarts a process that dies and stops them all on SIGTERM or Ctrl-C.
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


def access_log(app):
    """Wrap a WSGI ``app`` so each request logs method, path, status and duration."""

    def logged(environ, start_response):
        started = time.perf_counter()
        status_holder = {}

        def recording_start_response(status, headers, exc_info=None):
            status_holder["status"] = status.split(" ", 1)[0]
            return start_response(status, headers, exc_info)

        try:
            return app(environ, recording_start_response)
        finally:
            log.info("%s %s %s %.1fms", environ.get("REQUEST_METHOD"), environ.get("PATH_INFO"),
                     status_holder.get("status", "-"), (time.perf_counter() - started) * 1000)

    return logged


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
    import waitress

    from cqkg.web import create_app
    from cqkg.web.clients import ClientLimiter

    signal.signal(signal.SIGTERM, _exit_cleanly)
    app = create_app(settings, limiter=ClientLimiter(settings.max_client_queries, counters, row))
    server = waitress.create_server(
        access_log(app) if settings.access_log else app, sockets=[listener], threads=settings.threads, ident="cqkg",
        connection_limit=settings.max_connections, channel_timeout=settings.idle_timeout,
        cleanup_interval=max(1, int(settings.idle_timeout / 3)), asyncore_use_poll=True,
        # Read ahead on a busy connection, so a client that hangs up is noticed and its query stopped.
        # waitress refuses far larger bodies before buffering them; the app answers the rest with its JSON 413.
        channel_request_lookahead=4, max_request_body_size=2 * settings.max_request_bytes + 65536,
        expose_tracebacks=False)
    server.run()


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
