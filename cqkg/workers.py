"""A pool of query worker processes, so that a query past its time limit can really be stopped.

pyoxigraph evaluates a query in native code that a Python thread cannot
interrupt. Each query therefore runs in a worker process with its own read-only
engine; when the time limit passes, the worker is killed (its CPU is freed at once)
and a fresh one is started in the background, while the other workers go on
answering. A worker that dies on its own is replaced the same way.
"""

from __future__ import annotations

import logging
import multiprocessing
import queue
import signal
import threading
from dataclasses import dataclass
from pathlib import Path

from cqkg import errors
from cqkg.engines import QueryRequest, QueryResponse

log = logging.getLogger("cqkg.workers")
_CONTEXT = multiprocessing.get_context("spawn")


@dataclass
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: object


class WorkerPool:
    """``size`` worker processes running engine ``engine_name`` over the build in ``build_dir``.

    ``options`` are passed to the engine (e.g. ``endpoint`` for the remote engine).
    """

    def __init__(self, engine_name: str, build_dir: Path, size: int = 2, start_timeout: float = 60.0, **options):
        self.engine_name, self.build_dir, self.size, self.options = engine_name, str(build_dir), size, options
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._closed = False
        starting = [self._spawn() for _ in range(size)]
        for worker in starting:
            self._await_ready(worker, start_timeout)
            self._idle.put(worker)

    def execute(self, request: QueryRequest, timeout: float) -> QueryResponse:
        """Run ``request`` on an idle worker within ``timeout`` seconds (waiting for one included).

        Raises the engine's CqkgError (QueryError, NotAcceptableError...),
        QueryTimeoutError when time runs out, or EngineFailure if the worker dies.
        """
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise errors.QueryTimeoutError(f"no query worker became free within {timeout:g} s; try again later") from None
        try:
            worker.conn.send(request)
            if not worker.conn.poll(timeout):
                self._replace(worker, reason="time limit")
                raise errors.QueryTimeoutError(f"query stopped after the {timeout:g} s time limit")
            status, payload = worker.conn.recv()
        except (EOFError, OSError, BrokenPipeError):
            self._replace(worker, reason="worker died")
            raise errors.EngineFailure("the query worker died while answering; it has been replaced") from None
        self._idle.put(worker)
        if status == "ok":
            return payload
        if status == "error":
            kind, message = payload
            raise getattr(errors, kind, errors.EngineFailure)(message)
        raise errors.EngineFailure(f"query engine failure: {payload}")

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        while True:
            try:
                worker = self._idle.get_nowait()
            except queue.Empty:
                return
            worker.process.kill()
            worker.process.join(timeout=5)

    def _spawn(self) -> _Worker:
        parent, child = _CONTEXT.Pipe()
        process = _CONTEXT.Process(target=_serve_queries, args=(child, self.engine_name, self.build_dir, self.options),
                                   name="cqkg-query-worker", daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def _await_ready(self, worker: _Worker, timeout: float) -> None:
        if not worker.conn.poll(timeout):
            worker.process.kill()
            raise errors.EngineFailure(f"query worker did not start within {timeout:g} s")
        try:
            status, payload = worker.conn.recv()
        except (EOFError, OSError):
            worker.process.join(timeout=5)
            raise errors.EngineFailure(f"query worker exited while starting (exit code {worker.process.exitcode})") from None
        if status != "ready":
            worker.process.join(timeout=5)
            kind, message = payload
            raise getattr(errors, kind, errors.EngineFailure)(message)

    def _replace(self, worker: _Worker, reason: str) -> None:
        """Kill ``worker`` now and start its replacement in the background."""
        log.warning("replacing query worker %s (%s)", worker.process.pid, reason)
        worker.process.kill()

        def restart():
            worker.process.join(timeout=10)
            worker.conn.close()
            if self._closed:
                return
            fresh = self._spawn()
            try:
                self._await_ready(fresh, 60)
            except errors.CqkgError:
                log.exception("could not start a replacement query worker")
                return
            self._idle.put(fresh)

        threading.Thread(target=restart, name="cqkg-worker-restart", daemon=True).start()


def _serve_queries(conn, engine_name: str, build_dir: str, options: dict) -> None:
    """Worker process: open the engine, then answer requests from ``conn`` until it closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    from cqkg.engines import make_engine
    try:
        engine = make_engine(engine_name, Path(build_dir), **options)
    except errors.CqkgError as error:
        conn.send(("error", (type(error).__name__, error.message)))
        return
    conn.send(("ready", None))
    while True:
        try:
            request = conn.recv()
        except (EOFError, OSError):
            return
        try:
            conn.send(("ok", engine.execute(request)))
        except errors.CqkgError as error:
            conn.send(("error", (type(error).__name__, error.message)))
        except Exception as error:  # an engine bug: reported as 500, never as the client's fault
            conn.send(("failure", f"{type(error).__name__}: {error}"))
