"""The main loop of a query worker process: open an engine, then answer requests from a pipe.

A worker of the local lane first leaves the network (``cqkg.query.sandbox``); a
worker of the federation lane keeps it, and runs only queries whose ``SERVICE``
endpoints a real parse found on the allow-list (``cqkg.query.calls``). Queries run
on a thread with a large stack: the parsers recurse once per level of nesting.
Replies are ``("ok", QueryResponse)``, ``("federate", None)``, ``("error", (kind,
message))`` or ``("failure", message)`` (an engine bug, answered 500).
"""

from __future__ import annotations

import logging
import pickle
import signal
import threading
from pathlib import Path

from cqkg import errors
from cqkg.query import calls
from cqkg.query.engines import QueryRequest, QueryResponse, make_engine
from cqkg.query.sandbox import die_with_parent, isolate_network

log = logging.getLogger("cqkg.executor")
STACK_BYTES = 256 * 1024 * 1024  # virtual: only the pages a deep parse touches become memory
LOCAL, FEDERATION = "local", "federation"


def serve(conn, engine_name: str, build_dir: str, options: dict, lane: str, allowlist: tuple[str, ...]) -> None:
    """Worker process entry point: isolate (local lane), open the engine, answer until ``conn`` closes."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    die_with_parent()
    why_not = isolate_network() if lane == LOCAL and engine_name != "remote" else "needs the network"
    try:
        engine = make_engine(engine_name, Path(build_dir), **options)
    except errors.CqkgError as error:
        conn.send(("error", (type(error).__name__, error.message)))
        return
    worker = Worker(engine, lane, allowlist, isolated=why_not is None)
    conn.send(("ready", {"isolated": worker.isolated, "why_not": why_not}))
    threading.stack_size(STACK_BYTES)
    loop = threading.Thread(target=worker.loop, args=(conn,), name="cqkg-query")
    loop.start()
    loop.join()


class Worker:
    """Answers requests with ``engine``; ``isolated`` says whether this process is off the network."""

    def __init__(self, engine, lane: str, allowlist: tuple[str, ...], isolated: bool):
        self.engine, self.lane, self.allowlist, self.isolated = engine, lane, allowlist, isolated

    def loop(self, conn) -> None:
        """Answer requests from ``conn`` until it closes."""
        while True:
            try:
                request = pickle.loads(conn.recv_bytes())
            except (EOFError, OSError):
                return
            conn.send_bytes(pickle.dumps(self.reply(request), pickle.HIGHEST_PROTOCOL))

    def reply(self, request: QueryRequest) -> tuple:
        """The reply tuple for one request (never raises)."""
        try:
            if self._must_federate(request.query):
                return ("federate", None)
            return ("ok", self._execute(request))
        except errors.CqkgError as error:
            return ("error", (type(error).__name__, error.message))
        except Exception as error:  # an engine bug: reported as 500, never as the client's fault
            log.exception("query engine failure")
            return ("failure", type(error).__name__)

    def _must_federate(self, text: str) -> bool:
        """Decide from the parsed query whether it calls SERVICE, and whether it may."""
        if (self.isolated and not self.allowlist) or not calls.may_call_services(text):
            return False  # off the network with nothing allowed: whatever it calls fails here
        plan = calls.service_plan(text)
        if not plan.parsed:
            if self.isolated:
                return False  # run here: this process can reach nothing
            raise errors.QueryError("this query could not be checked for SERVICE calls, so it is not run")
        calls.check_allowed(plan, self.allowlist)
        return bool(plan.endpoints) and self.lane == LOCAL

    def _execute(self, request: QueryRequest):
        try:
            return self.engine.execute(request)
        except errors.QueryError:
            if calls.is_update(request.query):
                raise errors.ForbiddenQueryError("SPARQL Update is not allowed: this endpoint is read-only") from None
            raise
        except RuntimeError as error:  # pyoxigraph's evaluation errors: about the query, not the server
            if not self.isolated:
                log.warning("query evaluation failed: %s", error)
                raise errors.QueryError("the query could not be evaluated") from None
            raise errors.QueryError(f"the query could not be evaluated: {str(error)[:300]}") from None
        except OSError as error:
            # A SERVICE call that failed, or (never seen) a store that cannot be read. The
            # remote's answer or connection error is logged, never passed to the client.
            log.warning("query evaluation failed: %s", error)
            if self.isolated:
                raise errors.ForbiddenQueryError("SERVICE calls are not allowed here: this endpoint's allow-list "
                                                 "does not include the endpoint the query calls") from None
            raise errors.ServiceCallFailed("a SERVICE call of this query failed") from None
class InlinePool:
    """Answers in this process with one engine: no time or memory limits (for tests and the CLI).

    It has WorkerPool's interface, so a Flask app built with it behaves the same for
    everything a query's limits do not decide.
    """

    def __init__(self, engine):
        self.worker = Worker(engine, LOCAL, (), isolated=False)
        self.isolated = False

    def execute(self, request: QueryRequest, deadline: float) -> QueryResponse:
        """Answer ``request`` now (``deadline`` is not enforced inline)."""
        return answer(*self.worker.reply(request))

    def close(self) -> None:
        """Nothing to stop."""


def answer(status: str, payload) -> QueryResponse:
    """The QueryResponse of a worker's reply, or the CqkgError it stands for."""
    if status == "ok":
        return payload
    if status == "error":
        kind, message = payload
        raise getattr(errors, kind, errors.EngineFailure)(message)
    if status == "federate":
        raise errors.ForbiddenQueryError("SERVICE calls are not allowed on this endpoint")
    raise errors.EngineFailure(f"query engine failure ({payload}); the error is logged")
