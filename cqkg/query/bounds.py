"""Size and nesting bounds on a query, checked before any parser sees it.

The parsers (pyoxigraph's and rdflib's) recurse once per level of nesting, and a
few kilobytes of ``{`` or ``!`` overflow a native stack and kill the process. This
check is a resource bound only, never a security decision: which endpoints a query
calls is decided by a real parse and by the query workers' sandbox
(``cqkg.query.calls``, ``cqkg.query.sandbox``). It runs in one pass, linear in the
query's length, and counts nesting only outside string literals, comments and
IRIs, read as the SPARQL grammar reads them after its ``\\uXXXX`` escapes are
decoded. Should it ever read a query differently from the engine, the worker
still runs the parse on a large stack and is replaced if it dies.
"""

from __future__ import annotations

import re

from cqkg.errors import QueryError

OPENERS, CLOSERS = "{([", "})]"
PREFIX_OPERATORS = "!^"
_CODEPOINT = re.compile(r"\\u([0-9A-Fa-f]{4})|\\U([0-9A-Fa-f]{8})")
_IRI_FORBIDDEN = set('<>"{}|^`\\ \t\r\n')


def decode_codepoint_escapes(text: str) -> str:
    """Replace ``\\uXXXX`` and ``\\UXXXXXXXX`` as SPARQL does before parsing (SPARQL 1.1, 19.2)."""
    if "\\u" not in text and "\\U" not in text:
        return text

    def decode(match: re.Match) -> str:
        value = int(match.group(1) or match.group(2), 16)
        return chr(value) if value <= 0x10FFFF and not 0xD800 <= value <= 0xDFFF else match.group(0)
    return _CODEPOINT.sub(decode, text)


def check_bounds(text: str, max_chars: int, max_depth: int) -> None:
    """Raise QueryError if ``text`` is longer than ``max_chars`` or nests deeper than ``max_depth``.

    Depth counts open ``{ ( [`` and runs of prefix operators (``!``, ``^``).
    """
    if len(text) > max_chars:
        raise QueryError(f"query too long: {len(text):,} characters (this endpoint accepts up to {max_chars:,})")
    decoded = decode_codepoint_escapes(text)
    if sum(decoded.count(char) for char in (*OPENERS, *PREFIX_OPERATORS)) <= max_depth:
        return  # no nesting can be deeper than all its openers together: skip the scan (most queries)
    depth = nesting_depth(decoded, max_depth)
    if depth > max_depth:
        raise QueryError(f"query nested too deeply: more than {max_depth} levels of brackets or operators "
                         f"(this endpoint accepts up to {max_depth})")


def nesting_depth(text: str, stop_above: int) -> int:
    """Return the deepest nesting in ``text`` (stopping early once it passes ``stop_above``)."""
    depth = deepest = run = 0
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char in PREFIX_OPERATORS:
            run += 1
            deepest = max(deepest, depth + run)
            i += 1
        else:
            if not char.isspace():
                run = 0
            if char in OPENERS:
                depth += 1
                deepest = max(deepest, depth)
            elif char in CLOSERS:
                depth = max(0, depth - 1)
            if char == "#":
                i = _end_of_line(text, i)
            elif char in "\"'":
                i = _end_of_string(text, i)
            elif char == "<":
                i = _end_of_iri(text, i)
            else:
                i += 1
        if deepest > stop_above:
            return deepest
    return deepest


def _end_of_line(text: str, i: int) -> int:
    end = text.find("\n", i)
    return len(text) if end < 0 else end + 1


def _end_of_string(text: str, i: int) -> int:
    quote = text[i]
    if text.startswith(quote * 3, i):
        i, closing = i + 3, quote * 3
    else:
        i, closing = i + 1, quote
    n = len(text)
    while i < n:
        if text[i] == "\\":
            i += 2
        elif text.startswith(closing, i):
            return i + len(closing)
        elif len(closing) == 1 and text[i] in "\r\n":
            return i  # not a string after all: the parser will say so
        else:
            i += 1
    return n


def _end_of_iri(text: str, i: int) -> int:
    """Skip an IRI reference ``<...>``; a ``<`` that opens none (a comparison) is one character."""
    j, n = i + 1, len(text)
    while j < n and text[j] not in _IRI_FORBIDDEN:
        j += 1
    return j + 1 if j < n and text[j] == ">" else i + 1
