"""Which remote endpoints a query calls, and whether a text is an update: read from a real parse.

pyoxigraph does not expose its parse, so the ``SERVICE`` endpoints are read from
rdflib's SPARQL parser and algebra: prefixed names, ``BASE`` and relative IRIs
resolved, any letter case, ``SILENT``, ``\\uXXXX`` escapes decoded, ``SERVICE``
inside ``EXISTS`` or another ``SERVICE``. This decides only whether a query may go
to the federation lane, the one kind of worker allowed on the network; every other
query runs in a worker that has no network at all (``cqkg.query.sandbox``), so a
query that rdflib reads differently from pyoxigraph can reach nothing.

rdflib parses in pure Python (tens of milliseconds), so it runs in the query
workers, inside the query's time limit, and only for texts that contain the
keyword at all.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from cachetools import LRUCache

from cqkg.errors import ForbiddenQueryError
from cqkg.namespaces import QUERY_PREFIXES
from cqkg.query.bounds import decode_codepoint_escapes

_PLANS: LRUCache = LRUCache(maxsize=256)  # keyed by the query's hash: never holds query texts


@dataclass(frozen=True)
class ServicePlan:
    """What a query calls: ``endpoints`` (IRIs), ``variable`` (a SERVICE on a variable), ``parsed`` (rdflib read it)."""

    endpoints: frozenset[str] = frozenset()
    variable: bool = False
    parsed: bool = True


def may_call_services(text: str) -> bool:
    """False when ``text`` cannot contain the SERVICE keyword in any spelling the grammar allows."""
    return "service" in decode_codepoint_escapes(text).casefold()


def service_plan(text: str) -> ServicePlan:
    """Parse ``text`` with rdflib and return the SERVICE endpoints its algebra calls.

    A text rdflib cannot parse gives ``parsed=False`` (the caller decides: such a
    query never goes to a worker with network access).
    """
    key = hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()
    if key in _PLANS:
        return _PLANS[key]
    from rdflib import URIRef
    from rdflib.plugins.sparql.algebra import translateQuery, traverse
    from rdflib.plugins.sparql.parser import parseQuery
    from rdflib.plugins.sparql.parserutils import CompValue

    terms = []

    def visit(node):
        if isinstance(node, CompValue) and node.name == "ServiceGraphPattern":
            terms.append(node.term)
    try:
        traverse(translateQuery(parseQuery(text), initNs=QUERY_PREFIXES).algebra, visitPre=visit)
    except Exception:  # any parser failure (syntax, recursion, unsupported feature): not readable
        plan = ServicePlan(parsed=False)
    else:
        plan = ServicePlan(frozenset(str(t) for t in terms if isinstance(t, URIRef)),
                           any(not isinstance(t, URIRef) for t in terms))
    _PLANS[key] = plan
    return plan


def check_allowed(plan: ServicePlan, allowlist: tuple[str, ...]) -> None:
    """Raise ForbiddenQueryError unless every SERVICE of ``plan`` calls an endpoint on ``allowlist``."""
    if plan.variable:
        raise ForbiddenQueryError("SERVICE with a variable endpoint is not allowed")
    refused = sorted(plan.endpoints - set(allowlist))
    if refused:
        allowed = ", ".join(allowlist) or "none"
        raise ForbiddenQueryError(f"SERVICE <{refused[0]}> is not on this endpoint's allow-list (allowed: {allowed})")


def is_update(text: str) -> bool:
    """True if ``text`` parses as a SPARQL Update (used to explain why a query was refused)."""
    from rdflib.plugins.sparql.parser import parseUpdate

    try:
        parseUpdate(text)
    except Exception:  # not an update, or not parseable at all
        return False
    return True


def has_dataset_clause(text: str) -> bool:
    """True if the parsed query picks its own dataset with FROM or FROM NAMED (False if rdflib cannot parse it)."""
    from rdflib.plugins.sparql.parser import parseQuery

    try:
        parsed = parseQuery(text)
    except Exception:  # unparseable here: the store's parser will report it
        return False
    return any("datasetClause" in part for part in parsed[1:] if isinstance(part, dict))
