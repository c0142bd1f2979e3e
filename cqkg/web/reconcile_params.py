"""The parameters of the reconciliation service, checked against the Reconciliation API 0.2 before any work.

Every malformed value is a 400 naming the parameter: a limit that is not a
non-negative integer (``"abc"``, ``[1]``, ``1e309``, ``NaN``, ``true``), a batch over
the size cap, a name over the length cap, a type that is neither a string nor a
list of strings, an ``extend`` that is not an object. What the schema allows is
accepted: a list of types, a query with only ``properties``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from werkzeug.exceptions import BadRequest

MAX_LIMIT = 100


@dataclass(frozen=True)
class ReconcileQuery:
    """One checked query of a batch: the name (may be empty), types, limit and property constraints."""

    name: str
    types: tuple[str, ...]
    limit: int
    properties: list[dict]


def parse_json(raw: str, name: str, max_chars: int):
    """The JSON value of parameter ``name``; 400 if it is too long or not JSON."""
    if len(raw) > max_chars:
        raise BadRequest(f"'{name}' is too long ({len(raw):,} characters; at most {max_chars:,})")
    try:
        return json.loads(raw, parse_constant=_refuse_constant)
    except (ValueError, RecursionError) as error:
        raise BadRequest(f"'{name}' is not valid JSON: {str(error)[:200]}") from None


def _refuse_constant(name: str):
    raise ValueError(f"{name} is not a number JSON allows")


def limit_value(value, name: str = "limit", default: int = 10) -> int:
    """A limit: absent gives ``default``; else a non-negative integer (as a number or digits), capped at 100."""
    if value is None or value == "":
        return default
    if isinstance(value, bool) or not isinstance(value, (int, str)):
        raise BadRequest(f"'{name}' must be a non-negative integer, not {json.dumps(value)[:50]}")
    if isinstance(value, int) and value < 0 or isinstance(value, str) and not value.isdigit():
        raise BadRequest(f"'{name}' must be a non-negative integer, not {json.dumps(value)[:50]}")
    return min(int(value), MAX_LIMIT) if len(str(value)) < 10 else MAX_LIMIT


def batch(queries, max_queries: int, max_chars: int) -> dict[str, ReconcileQuery]:
    """The checked queries of a batch, by key."""
    if not isinstance(queries, dict):
        raise BadRequest("'queries' must be a JSON object of named queries")
    if len(queries) > max_queries:
        raise BadRequest(f"a batch holds at most {max_queries} queries, got {len(queries)}")
    return {str(key)[:100]: _query(str(key)[:100], query, max_chars) for key, query in queries.items()}


def _query(key: str, query, max_chars: int) -> ReconcileQuery:
    if not isinstance(query, dict):
        raise BadRequest(f"query {key!r} must be a JSON object")
    name = query.get("query", "")
    properties = query.get("properties") or []
    if not isinstance(name, str):
        raise BadRequest(f"query {key!r}: 'query' must be a string")
    if len(name) > max_chars:
        raise BadRequest(f"query {key!r}: the name is too long ({len(name):,} characters; at most {max_chars:,})")
    if not isinstance(properties, list) or not all(isinstance(p, dict) for p in properties):
        raise BadRequest(f"query {key!r}: 'properties' must be a list of objects")
    if not name.strip() and not properties:
        raise BadRequest(f"query {key!r} needs a 'query' string or 'properties'")
    if len(json.dumps(properties)) > max_chars * 4:
        raise BadRequest(f"query {key!r}: 'properties' is too long")
    return ReconcileQuery(name, _types(key, query.get("type")), limit_value(query.get("limit"), default=5), properties)


def _types(key: str, value) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    values = value if isinstance(value, list) else [value]
    if not all(isinstance(v, str) and 0 < len(v) <= 500 for v in values) or len(values) > 20:
        raise BadRequest(f"query {key!r}: 'type' must be a type id or a list of type ids")
    return tuple(values)


def extend_request(extend, max_ids: int) -> tuple[list[str], list[str]]:
    """(entity ids, property ids) of a data-extension request."""
    if not isinstance(extend, dict):
        raise BadRequest("'extend' must be a JSON object with 'ids' and 'properties'")
    ids, properties = extend.get("ids") or [], extend.get("properties") or []
    if not isinstance(ids, list) or not all(isinstance(i, str) and len(i) <= 500 for i in ids):
        raise BadRequest("'extend.ids' must be a list of entity ids")
    if len(ids) > max_ids:
        raise BadRequest(f"'extend.ids' holds at most {max_ids} ids, got {len(ids)}")
    if not isinstance(properties, list) or not all(isinstance(p, dict) and isinstance(p.get("id"), str)
                                                   for p in properties):
        raise BadRequest("'extend.properties' must be a list of objects with an 'id'")
    return ids, [p["id"] for p in properties]
