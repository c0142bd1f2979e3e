"""Publish the built dataset to an external triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

Each named graph is sent as N-Triples in one ``PUT <store>?graph=<iri>`` request,
which replaces that graph in the store. On the first failure publishing stops and
the error says which graphs were already replaced, so nothing half-replaced goes
unreported.

A store that asks for credentials gets them from the URL's user information,
``http://user:password@host/…``, with the scheme it asks for (Virtuoso's
``/sparql-graph-crud-auth`` asks for HTTP digest authentication); they never appear
in a message.
"""

from __future__ import annotations

import urllib.parse
from itertools import groupby
from pathlib import Path

import pyoxigraph as ox
import requests
from requests_toolbelt.auth.guess import GuessAuth

from cqkg.errors import CqkgError
from cqkg.release.dumps import dataset_quads


class PublishError(CqkgError):
    """Publishing to the external store failed; the message lists what was already replaced."""

    http_status = 502


def publish(build_dir: Path, store_url: str, timeout: float = 60, log=lambda message: None) -> list[str]:
    """PUT every named graph of the build in ``build_dir`` to the Graph Store at ``store_url``.

    Returns the graph IRIs replaced, in order; raises PublishError on the first failure.
    """
    # The named graphs only: the default graph is their union, which the remote engine asks for by name.
    quads = [q for q in dataset_quads(build_dir) if isinstance(q.graph_name, ox.NamedNode)]
    graphs = [(name, [ox.Triple(q.subject, q.predicate, q.object) for q in group])
              for name, group in groupby(quads, key=lambda q: q.graph_name.value)]
    store = without_credentials(store_url)
    replaced: list[str] = []
    with requests.Session() as session:
        session.auth = _credentials(store_url)
        try:
            if session.auth is not None and graphs:
                _authenticate(session, store, min(graphs, key=lambda graph: len(graph[1]))[0], timeout)
            for name, triples in graphs:
                response = session.put(store, params={"graph": name}, timeout=timeout,
                                       data=ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES),
                                       headers={"Content-Type": "application/n-triples"})
                _check(response, store, name, replaced, len(graphs))
                replaced.append(name)
                log(f"replaced <{name}> ({len(triples)} triples)")
        except requests.RequestException as error:
            raise PublishError(f"cannot reach {store}: {_reason(error)}" + _progress(replaced, len(graphs))) from None
    return replaced


def without_credentials(store_url: str) -> str:
    """``store_url`` without its user information (``user:password@``), fit for a message."""
    parts = urllib.parse.urlsplit(store_url)
    if parts.username is None and parts.password is None:
        return store_url
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _credentials(store_url: str) -> GuessAuth | None:
    """Credentials from the URL, answering the scheme the store's challenge names (basic or digest)."""
    parts = urllib.parse.urlsplit(store_url)
    if parts.username is None:
        return None
    return GuessAuth(urllib.parse.unquote(parts.username), urllib.parse.unquote(parts.password or ""))


def _authenticate(session: requests.Session, store: str, graph: str, timeout: float) -> None:
    """Answer the store's challenge with a request without a body, so that every PUT then carries credentials.

    A store may answer a PUT's challenge before reading its body and close the
    connection while the body is still being sent (Virtuoso does: a broken pipe).
    """
    with session.get(store, params={"graph": graph}, timeout=timeout, stream=True) as response:
        if response.status_code in (401, 403):
            raise PublishError(f"{store} answered {response.status_code} {response.reason} to the credentials given"
                               + _progress([], 0))


def _check(response: requests.Response, store: str, graph: str, replaced: list[str], total: int) -> None:
    """Raise PublishError unless ``response`` says the graph was replaced."""
    if response.ok:
        return
    detail = response.text.strip()[:500]
    raise PublishError(f"{store} answered {response.status_code} {response.reason} for graph <{graph}>: {detail}"
                       + _progress(replaced, total))


def _reason(error: Exception) -> str:
    """The operating system's words for a failed request (e.g. "Connection refused"), else the error's kind."""
    cause = error
    while cause is not None:
        if isinstance(cause, OSError) and not isinstance(cause, requests.RequestException):
            return cause.strerror or str(cause)
        cause = cause.__cause__ or cause.__context__
    return type(error).__name__


def _progress(replaced: list[str], total: int) -> str:
    if not replaced:
        return "; no graph was replaced"
    return (f"; {len(replaced)} of {total} graphs were already replaced and the store now mixes releases: "
            + ", ".join(f"<{g}>" for g in replaced))
