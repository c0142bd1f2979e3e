"""Checks that keep the public endpoint read-only and closed: run before a query reaches an engine.

- ``check_read_only``: SPARQL Update (INSERT, DELETE, LOAD, CLEAR, ...) is refused.
- ``check_services``: ``SERVICE`` may only call endpoints on the allow-list; a
  variable or relative endpoint is refused.

Both work on the query text with comments and string literals blanked out, so a
keyword inside a string or comment does not count.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cqkg.errors import ForbiddenQueryError
from cqkg.namespaces import PREFIXES

UPDATE_KEYWORDS = frozenset({"INSERT", "DELETE", "LOAD", "CLEAR", "CREATE", "DROP", "COPY", "MOVE", "ADD", "WITH"})

_TOKENS = re.compile(
    r'(?P<iri><[^<>"{}|^`\\\s]*>)'
    r'|(?P<string>"""(?:[^"\\]|\\.|"(?!""))*"""|\'\'\'(?:[^\'\\]|\\.|\'(?!\'\'))*\'\'\''
    r'|"(?:[^"\\\n]|\\.)*"|\'(?:[^\'\\\n]|\\.)*\')'
    r'|(?P<comment>#[^\n]*)', re.S)
_PROLOGUE = re.compile(r'^\s*(?:(?:BASE\s*<[^>]*>|PREFIX\s+[\w.-]*:\s*<[^>]*>)\s*)*', re.I)
_PREFIX_DECL = re.compile(r'PREFIX\s+([\w.-]*):\s*<([^>]*)>', re.I)
_SERVICE = re.compile(r'(?<![\w:?$])SERVICE\s+(?:SILENT\s+)?(<[^>]*>|[A-Za-z_][\w.-]*:[\w.:%-]*|:[\w.:%-]*|[?$]\w+)', re.I)


def blank_literals_and_comments(text: str) -> str:
    """Return ``text`` with string literals emptied and comments removed; IRIs are kept."""
    def replace(match: re.Match) -> str:
        if match.group("iri"):
            return match.group("iri")
        return '""' if match.group("string") else " "
    return _TOKENS.sub(replace, text)


@lru_cache(maxsize=1024)
def check_read_only(text: str) -> None:
    """Raise ForbiddenQueryError if ``text`` is a SPARQL Update rather than a query."""
    body = _PROLOGUE.sub("", blank_literals_and_comments(text), count=1)
    first = re.match(r"\s*([A-Za-z]+)", body)
    if first and first.group(1).upper() in UPDATE_KEYWORDS:
        raise ForbiddenQueryError(f"SPARQL Update ({first.group(1).upper()}) is not allowed: this endpoint is read-only")


_FROM = re.compile(r"(?<![\w:?$])FROM\s+(?:NAMED\s+)?(?:<|[A-Za-z_]*:)", re.I)


def has_dataset_clause(text: str) -> bool:
    """True if the query picks its own dataset with FROM or FROM NAMED (graphs of the store only)."""
    return "from" in text.lower() and _FROM.search(blank_literals_and_comments(text)) is not None


def service_endpoints(text: str) -> list[str]:
    """Return the endpoints the query's SERVICE clauses call (``?var`` for a variable endpoint)."""
    if "service" not in text.lower():
        return []
    clean = blank_literals_and_comments(text)
    prefixes = dict(PREFIXES)
    prefixes.update({name: iri for name, iri in _PREFIX_DECL.findall(clean)})
    endpoints = []
    for target in _SERVICE.findall(clean):
        if target.startswith("<"):
            endpoints.append(target[1:-1])
        elif target[0] in "?$":
            endpoints.append("?" + target[1:])
        else:
            prefix, _, local = target.partition(":")
            endpoints.append(prefixes[prefix] + local if prefix in prefixes else target)
    return endpoints


@lru_cache(maxsize=1024)
def check_services(text: str, allowlist: tuple[str, ...]) -> None:
    """Raise ForbiddenQueryError if the query calls a SERVICE endpoint not on ``allowlist``."""
    for endpoint in service_endpoints(text):
        if endpoint.startswith("?"):
            raise ForbiddenQueryError("SERVICE with a variable endpoint is not allowed")
        if endpoint not in allowlist:
            allowed = ", ".join(allowlist) or "none"
            raise ForbiddenQueryError(f"SERVICE <{endpoint}> is not on this endpoint's allow-list (allowed: {allowed})")
