"""Query worker processes, so that every query is bounded in time and memory and can really be stopped.

pyoxigraph evaluates in native code that no Python thread can interrupt, so each
query runs in a worker process (``cqkg.query.executor``) and the caller watches it:

- **time**: one deadline covers the whole request, the wait for a worker included;
  past it the worker is killed (its CPU freed at once) and replaced;
- **memory**: a worker whose resident memory passes the cap is killed (503);
- **client gone**: when the caller reports its client has disconnected (``execute_async``), the worker
  is killed rather than left computing an answer nobody reads;
- **fairness**: a query still running after ``long_after`` seconds has its worker
  moved to the lowest CPU priority (nice 19), so cheap queries on other workers
  keep the CPU; that worker is replaced once the query ends (a process may not
  raise its own priority again). When a request has waited 50 ms for a worker while
  a worker has been on one query for 50 ms, the lane grows, up to ``max_size``
  workers, so slow or runaway queries cannot hold every worker; a queue of quick
  queries does not grow it (more processes than cores only cost context switches:
  the cheap lookup went from 2,000 to 2,200 req/s without that growth). Workers beyond
  ``size`` that stay idle for ``SPARE_IDLE_SECONDS`` retire (retiring them at once cost
  half the throughput under load: they were forked again).

Two ways in, one pool: ``execute`` blocks a thread (WSGI, the CLI, tests);
``execute_async`` is a coroutine for the asyncio server (``cqkg.web.asgi``), which
waits for a worker's reply with the event loop (``add_reader`` on its pipe) instead
of a thread. Measured on the cheap lookup, one web process: 1,290–1,410 req/s with a
thread per request on waitress, 3,020–3,200 with the event loop.

Two lanes: ``local`` workers have no network at all; ``federation`` workers (only
when the allow-list is not empty) run queries whose SERVICE endpoints are allowed.
Workers are forked from a fork server that has already imported the engines, so a
replacement is ready in milliseconds. Requests and replies cross the pipe as plain
pickles with a poll object made once per worker: ``Connection.send``/``recv``/``poll``
build a ForkingPickler and a selector on every call, which showed in the web process's
GIL profile.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import logging
import multiprocessing
import os
import pickle
import queue
import select
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from cqkg import errors
from cqkg.query.engines import QueryRequest, QueryResponse
from cqkg.query.executor import FEDERATION, LOCAL, answer, serve

log = logging.getLogger("cqkg.pool")
POLL_MILLISECONDS = 20  # how often a waiting request checks its deadline, memory and client
POLL_SECONDS = POLL_MILLISECONDS / 1000
GROW_AFTER_SECONDS = 0.05  # a busy pool grows only when a request waited this long and a worker has been on one query this long
SPARE_IDLE_SECONDS = 30.0  # a worker beyond the pool's size retires after this long without a query
LOWEST_PRIORITY = 19
_PAGE = os.sysconf("SC_PAGE_SIZE") if hasattr(os, "sysconf") else 4096


def _context():
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["cqkg.query.executor"])
    return context


@dataclass(eq=False)
class _Worker:
    process: multiprocessing.process.BaseProcess
    conn: object
    lane: str
    isolated: bool = False
    idle_since: float = 0.0
    busy_since: float | None = None  # when its current query started (None: idle)
    ready_to_read: select.poll = field(default_factory=select.poll)  # of ``conn``, registered once
    closing: threading.Lock = field(default_factory=threading.Lock)  # the pool closing and a restart may both stop it

    def __post_init__(self):
        self.ready_to_read.register(self.conn.fileno(), select.POLLIN)


@dataclass
class _Lane:
    name: str
    max_size: int
    idle: queue.SimpleQueue = field(default_factory=queue.SimpleQueue)  # C-implemented: no Condition to notify
    live: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)
    waiters: collections.deque = field(default_factory=collections.deque)  # _Waiter of coroutines, oldest first


@dataclass(eq=False)
class _Waiter:
    """A coroutine waiting for a worker: ``future`` gets the worker (or None when it should look again)."""

    future: asyncio.Future
    loop: asyncio.AbstractEventLoop
    thread: int  # the loop's thread: a worker released there is handed over directly


class _Wakeup:
    """What woke a coroutine waiting for its worker's reply: "reply", "tick" or "gone" (the client left)."""

    def __init__(self, loop: asyncio.AbstractEventLoop):
        self.loop, self.future = loop, loop.create_future()

    def set(self, why: str) -> None:
        if not self.future.done():
            self.future.set_result(why)

    async def next(self) -> str:
        """The next reason to wake, at the latest after POLL_SECONDS ("tick")."""
        timer = self.loop.call_later(POLL_SECONDS, self.set, "tick")
        try:
            return await self.future
        finally:
            timer.cancel()
            if self.future.done():
                self.future = self.loop.create_future()


class WorkerPool:
    """Worker processes running engine ``engine_name`` over the build in ``build_dir``.

    ``size`` workers start at once; the local lane grows to ``max_size`` when all
    are busy. ``memory_limit`` is in bytes (0: none). ``options`` go to the engine.
    """

    def __init__(self, engine_name: str, build_dir: Path, size: int = 2, max_size: int = 8,
                 memory_limit: int = 1 << 30, long_after: float = 0.5, allowlist: tuple[str, ...] = (),
                 start_timeout: float = 60.0, **options):
        self.engine_name, self.build_dir, self.options = engine_name, str(build_dir), options
        self.memory_limit, self.long_after, self.allowlist = memory_limit, long_after, tuple(allowlist)
        self.size = size
        self.start_timeout = start_timeout
        self._context = _context()
        self._closed = False
        self._workers: set[_Worker] = set()
        self.local = _Lane(LOCAL, max(size, max_size), live=size)
        self.federation = _Lane(FEDERATION, max(1, size)) if self.allowlist else None
        started = [self._start(self.local) for _ in range(size)]
        for worker in started:
            self.local.idle.put(worker)
        self.isolated = all(w.isolated for w in started)
        threading.Thread(target=self._retire_spares, name="cqkg-worker-reaper", daemon=True).start()

    def execute(self, request: QueryRequest, deadline: float) -> QueryResponse:
        """Answer ``request`` before ``deadline`` (a ``time.monotonic()`` value).

        Raises the engine's CqkgError, QueryTimeoutError, MemoryLimitError,
        or EngineFailure when a worker dies.
        """
        lane = self.local
        while True:
            worker = self._acquire(lane, deadline)
            status, payload = self._run(lane, worker, request, deadline)
            if status != "federate" or self.federation is None or lane is self.federation:
                break
            lane = self.federation
        return answer(status, payload)

    async def execute_async(self, request: QueryRequest, deadline: float, client_gone=None) -> QueryResponse:
        """``execute`` as a coroutine: the event loop's thread never blocks on a worker.

        ``client_gone`` is an optional coroutine function that returns when the
        client has disconnected; it is started only for a query still running after
        POLL_MILLISECONDS, so a quick query costs no extra task.
        """
        lane = self.local
        while True:
            worker = await self._acquire_async(lane, deadline)
            status, payload = await self._run_async(lane, worker, request, deadline, client_gone)
            if status != "federate" or self.federation is None or lane is self.federation:
                break
            lane = self.federation
        return answer(status, payload)

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        for worker in list(self._workers):
            _stop(worker)
        self._workers.clear()

    def _acquire(self, lane: _Lane, deadline: float) -> _Worker:
        while True:
            try:
                return lane.idle.get(timeout=max(0.0, min(GROW_AFTER_SECONDS, deadline - time.monotonic())))
            except queue.Empty:
                pass
            if time.monotonic() >= deadline or lane.live == 0 or self._held_by_slow_query(lane):
                break  # grow: no worker will come back soon (or none exists yet: the federation lane starts empty)
        self._grow(lane)
        try:
            return lane.idle.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            raise errors.QueryTimeoutError("no query worker became free within the time limit; "
                                           "try again later") from None

    async def _acquire_async(self, lane: _Lane, deadline: float) -> _Worker:
        loop = asyncio.get_running_loop()
        first_wait, grown = time.monotonic(), False
        while True:
            try:
                return lane.idle.get_nowait()
            except queue.Empty:
                pass
            now = time.monotonic()
            if now >= deadline:
                raise errors.QueryTimeoutError("no query worker became free within the time limit; try again later")
            if not grown and (lane.live == 0 or (now - first_wait >= GROW_AFTER_SECONDS and self._held_by_slow_query(lane))):
                grown = self._grow(lane)
            waiter = _Waiter(loop.create_future(), loop, threading.get_ident())
            lane.waiters.append(waiter)
            timer = loop.call_later(min(GROW_AFTER_SECONDS, deadline - now), _resolve, waiter.future, None)
            worker = await waiter.future
            timer.cancel()
            if worker is not None:
                return worker

    def _grow(self, lane: _Lane) -> bool:
        """Start one more worker for ``lane`` in the background if it has room; True if it did."""
        with lane.lock:
            grow = lane.live < lane.max_size
            if grow:
                lane.live += 1
        if grow:
            threading.Thread(target=self._add, args=(lane,), name="cqkg-worker-start", daemon=True).start()
        return grow

    def _release(self, lane: _Lane, worker: _Worker) -> None:
        """Give ``worker`` to the oldest coroutine waiting for one, or put it with the idle workers."""
        worker.idle_since = time.monotonic()
        while lane.waiters:
            try:
                waiter = lane.waiters.popleft()
            except IndexError:
                break
            if waiter.future.done():
                continue  # it stopped waiting (its timer fired)
            if waiter.thread == threading.get_ident():
                waiter.future.set_result(worker)
            else:
                waiter.loop.call_soon_threadsafe(self._hand_over, lane, waiter.future, worker)
            return
        lane.idle.put(worker)

    def _hand_over(self, lane: _Lane, future: asyncio.Future, worker: _Worker) -> None:
        if future.done():
            self._release(lane, worker)
        else:
            future.set_result(worker)

    def _held_by_slow_query(self, lane: _Lane) -> bool:
        """True if a worker of ``lane`` has been on its current query for GROW_AFTER_SECONDS or more."""
        since = time.monotonic() - GROW_AFTER_SECONDS
        return any(w.lane == lane.name and w.busy_since is not None and w.busy_since <= since
                   for w in list(self._workers))

    def _run(self, lane: _Lane, worker: _Worker, request, deadline: float) -> tuple:
        started = worker.busy_since = time.monotonic()
        demoted = False
        with self._answering(lane, worker):
            worker.conn.send_bytes(pickle.dumps(request, pickle.HIGHEST_PROTOCOL))
            while not worker.ready_to_read.poll(POLL_MILLISECONDS):
                demoted = self._check_limits(worker, started, deadline, demoted)
            reply = pickle.loads(worker.conn.recv_bytes())
        self._done(lane, worker, demoted)
        return reply

    async def _run_async(self, lane: _Lane, worker: _Worker, request, deadline: float, client_gone) -> tuple:
        started = worker.busy_since = time.monotonic()
        with self._answering(lane, worker):
            # A query is at most max_query_chars: the idle worker reads it at once, so this write does not stall the loop.
            worker.conn.send_bytes(pickle.dumps(request, pickle.HIGHEST_PROTOCOL))
            demoted = await self._await_reply(worker, started, deadline, client_gone)
            reply = pickle.loads(worker.conn.recv_bytes())
        self._done(lane, worker, demoted)
        return reply

    @contextlib.contextmanager
    def _answering(self, lane: _Lane, worker: _Worker):
        """While ``worker`` answers: a limit it broke or its death replaces it; an interruption kills it."""
        try:
            yield
        except errors.CqkgError as error:
            self._replace(lane, worker, type(error).__name__)
            raise
        except (EOFError, OSError):
            self._replace(lane, worker, "worker died")
            raise errors.EngineFailure("the query worker died while answering; it has been replaced") from None
        except BaseException:  # the request was cancelled (the server is stopping): its worker may be mid-query
            self._discard(lane, worker)
            raise

    def _check_limits(self, worker: _Worker, started: float, deadline: float, demoted: bool) -> bool:
        """Raise if ``worker``'s query is past its deadline or memory cap; demote a long one. True once demoted."""
        now = time.monotonic()
        if now >= deadline:
            raise errors.QueryTimeoutError("query stopped at the time limit")
        if self.memory_limit and _resident_bytes(worker.process.pid) > self.memory_limit:
            raise errors.MemoryLimitError(f"query stopped: it needed more than "
                                          f"{self.memory_limit / 2**20:,.0f} MiB of memory")
        if not demoted and now - started > self.long_after:
            return _demote(worker.process.pid)
        return demoted

    async def _await_reply(self, worker: _Worker, started: float, deadline: float, client_gone) -> bool:
        """Wait with the event loop until ``worker`` replies, checking its limits; True if it was demoted."""
        loop = asyncio.get_running_loop()
        demoted, watching = False, None
        wakeup = _Wakeup(loop)
        fd = worker.conn.fileno()
        loop.add_reader(fd, wakeup.set, "reply")
        os.set_blocking(fd, True)  # uvloop made it non-blocking; a reply is read whole, and the worker writes it at once
        try:
            while (why := await wakeup.next()) != "reply":
                if why == "gone" or (watching is not None and watching.done()):
                    raise errors.ClientGone("the client disconnected; its query was stopped")
                demoted = self._check_limits(worker, started, deadline, demoted)
                if watching is None and client_gone is not None:
                    watching = asyncio.ensure_future(client_gone())
                    watching.add_done_callback(lambda _: wakeup.set("gone"))
        finally:
            loop.remove_reader(fd)
            if watching is not None:
                watching.cancel()
        return demoted

    def _done(self, lane: _Lane, worker: _Worker, demoted: bool) -> None:
        """``worker`` answered: back to work, or replaced if its priority was lowered."""
        worker.busy_since = None
        if demoted:
            self._replace(lane, worker, "demoted after a long query")
        else:
            self._release(lane, worker)

    def _retire_spares(self) -> None:
        """Every few seconds, stop workers beyond the pool's size that have been idle a long time."""
        while not self._closed:
            time.sleep(SPARE_IDLE_SECONDS / 6)
            for lane in (self.local, self.federation):
                if lane is not None:
                    self._retire_idle(lane, self.size if lane is self.local else 0)

    def _retire_idle(self, lane: _Lane, keep: int) -> None:
        now = time.monotonic()
        for _ in range(lane.idle.qsize()):
            try:
                worker = lane.idle.get_nowait()
            except queue.Empty:
                return
            with lane.lock:
                retire = lane.live > keep and now - worker.idle_since > SPARE_IDLE_SECONDS
                if retire:
                    lane.live -= 1
            if retire:
                self._workers.discard(worker)
                _stop(worker)
            else:
                lane.idle.put(worker)

    def _start(self, lane: _Lane) -> _Worker:
        parent, child = self._context.Pipe()
        process = self._context.Process(target=serve, name=f"cqkg-query-{lane.name}", daemon=True,
                                        args=(child, self.engine_name, self.build_dir, self.options,
                                              lane.name, self.allowlist))
        process.start()
        child.close()
        worker = _Worker(process, parent, lane.name)
        self._workers.add(worker)
        worker.isolated = self._await_ready(worker)
        worker.idle_since = time.monotonic()
        return worker

    def _add(self, lane: _Lane) -> None:
        """Start one more worker for ``lane`` (its ``live`` count already includes it)."""
        if self._closed:
            return
        try:
            self._release(lane, self._start(lane))
        except errors.CqkgError:
            if not self._closed:  # a worker stopped by close() while it started is no failure
                log.exception("could not start a query worker")
            with lane.lock:
                lane.live -= 1

    def _await_ready(self, worker: _Worker) -> bool:
        try:
            if not worker.conn.poll(self.start_timeout):
                _stop(worker)
                raise errors.EngineFailure(f"query worker did not start within {self.start_timeout:g} s")
            status, payload = worker.conn.recv()
        except (EOFError, OSError):  # it exited, or close() stopped it meanwhile
            _stop(worker)
            raise errors.EngineFailure(f"query worker exited while starting (exit code {worker.process.exitcode})") from None
        if status != "ready":
            _stop(worker)
            kind, message = payload
            raise getattr(errors, kind, errors.EngineFailure)(message)
        if payload["why_not"] and worker.process.name.endswith(LOCAL):
            log.warning("query worker not isolated from the network (%s): SERVICE is decided by parsing only",
                        payload["why_not"])
        return payload["isolated"]

    def _discard(self, lane: _Lane, worker: _Worker) -> None:
        """Kill ``worker`` without a replacement (the lane may grow again when it needs one)."""
        worker.process.kill()
        self._workers.discard(worker)
        with lane.lock:
            lane.live -= 1

    def _replace(self, lane: _Lane, worker: _Worker, reason: str) -> None:
        """Kill ``worker`` now and start its replacement in the background."""
        log.info("replacing query worker %s (%s)", worker.process.pid, reason)
        worker.process.kill()
        self._workers.discard(worker)
        if self._closed:
            return

        def restart():
            worker.process.join(timeout=10)
            _close_connection(worker)
            self._add(lane)

        threading.Thread(target=restart, name="cqkg-worker-restart", daemon=True).start()


def _resolve(future: asyncio.Future, value) -> None:
    if not future.done():
        future.set_result(value)


def _stop(worker: _Worker) -> None:
    worker.process.kill()
    worker.process.join(timeout=5)
    _close_connection(worker)


def _close_connection(worker: _Worker) -> None:
    """Close the pipe to ``worker`` once, whichever thread gets there first."""
    with worker.closing:
        if not worker.conn.closed:
            worker.conn.close()


def _resident_bytes(pid: int) -> int:
    """Resident memory of process ``pid`` in bytes (0 where /proc is not available)."""
    try:
        with open(f"/proc/{pid}/statm", "rb") as statm:
            return int(statm.read().split()[1]) * _PAGE
    except (OSError, ValueError, IndexError):
        return 0


def _demote(pid: int) -> bool:
    try:
        os.setpriority(os.PRIO_PROCESS, pid, LOWEST_PRIORITY)
    except (OSError, AttributeError):
        return False
    return True
