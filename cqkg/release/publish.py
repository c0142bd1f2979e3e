"""Publish the built dataset to an external triple store with the SPARQL 1.1 Graph Store HTTP Protocol.

Each named graph is sent as N-Triples in one ``PUT <store>?graph=<iri>`` request,
which replaces that graph in the store. On the first failure publishing stops and
the error says which graphs were already replaced, so nothing half-replaced goes
unreported.

A store that asks for credentials (Virtuoso's ``/sparql-graph-crud-auth`` asks
for HTTP digest authentication) gets them from the URL's user information,
``http://user:password@host/…``: they are sent only when the store asks, with
the scheme it asks for, and never appear in a message.
"""

from __future__ import annotations

import urllib.error
import urllib.parse
import urllib.request
from itertools import groupby
from pathlib import Path

import pyoxigraph as ox

from cqkg.errors import CqkgError
from cqkg.release.dumps import dataset_quads


class PublishError(CqkgError):
    """Publishing to the external store failed; the message lists what was already replaced."""

    http_status = 502


def publish(build_dir: Path, store_url: str, timeout: float = 60, log=lambda message: None) -> list[str]:
    """PUT every named graph of the build in ``build_dir`` to the Graph Store at ``store_url``.

    Returns the graph IRIs replaced, in order; raises PublishError on the first failure.
    """
    store_url, opener = _opener(store_url)
    # The named graphs only: the default graph is their union, which the remote engine asks for by name.
    quads = [q for q in dataset_quads(build_dir) if isinstance(q.graph_name, ox.NamedNode)]
    graphs = [(name, [ox.Triple(q.subject, q.predicate, q.object) for q in group])
              for name, group in groupby(quads, key=lambda q: q.graph_name.value)]
    replaced: list[str] = []
    for name, triples in graphs:
        url = store_url + ("&" if "?" in store_url else "?") + urllib.parse.urlencode({"graph": name})
        body = ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES)
        request = urllib.request.Request(url, data=body, method="PUT",
                                         headers={"Content-Type": "application/n-triples"})
        try:
            with opener.open(request, timeout=timeout) as response:
                response.read()
        except urllib.error.HTTPError as error:
            with error:
                detail = error.read().decode("utf-8", "replace").strip()[:500]
            raise PublishError(f"{store_url} answered {error.code} {error.reason} for graph <{name}>: {detail}"
                               + _progress(replaced, len(graphs))) from None
        except (urllib.error.URLError, OSError) as error:
            reason = getattr(error, "reason", error)
            raise PublishError(f"cannot reach {store_url}: {reason}" + _progress(replaced, len(graphs))) from None
        replaced.append(name)
        log(f"replaced <{name}> ({len(triples)} triples)")
    return replaced


def without_credentials(store_url: str) -> str:
    """``store_url`` without its user information (``user:password@``), fit for a message."""
    parts = urllib.parse.urlsplit(store_url)
    if parts.username is None and parts.password is None:
        return store_url
    return urllib.parse.urlunsplit(parts._replace(netloc=parts.netloc.rpartition("@")[2]))


def _opener(store_url: str) -> tuple[str, urllib.request.OpenerDirector]:
    """The store URL without its user information, and an opener answering the store's challenge with it."""
    parts = urllib.parse.urlsplit(store_url)
    bare = without_credentials(store_url)
    if bare == store_url:
        return store_url, urllib.request.build_opener()
    passwords = urllib.request.HTTPPasswordMgrWithDefaultRealm()
    passwords.add_password(None, bare, urllib.parse.unquote(parts.username),
                           urllib.parse.unquote(parts.password or ""))
    return bare, urllib.request.build_opener(urllib.request.HTTPDigestAuthHandler(passwords),
                                             urllib.request.HTTPBasicAuthHandler(passwords))


def _progress(replaced: list[str], total: int) -> str:
    if not replaced:
        return "; no graph was replaced"
    return (f"; {len(replaced)} of {total} graphs were already replaced and the store now mixes releases: "
            + ", ".join(f"<{g}>" for g in replaced))
