"""Literals whose lexical form is not valid for their datatype: found at load time, reported at file:line:column.

pyoxigraph keeps an ill-typed literal such as ``"abc"^^xsd:gYear`` as written, and
rdflib checks only the datatypes it converts to Python values (not gYear), so the
lexical spaces of the XSD datatypes cqkg uses are checked here, from the patterns
of XML Schema 1.1 Part 2, with calendar dates checked for real. The position
is found by looking for the literal in the file's text (only to report it: the
decision is taken on the parsed literal).
"""

from __future__ import annotations

import calendar
import re
from pathlib import Path

import pyoxigraph as ox

from cqkg.errors import InputSyntaxError
from cqkg.namespaces import XSD

_TZ = r"(Z|[+-]((0\d|1[0-3]):[0-5]\d|14:00))?"
_YEAR = r"-?([1-9]\d{3,}|0\d{3})"
LEXICAL = {
    XSD + "gYear": _YEAR + _TZ,
    XSD + "gYearMonth": _YEAR + r"-(0[1-9]|1[0-2])" + _TZ,
    XSD + "date": _YEAR + r"-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])" + _TZ,
    XSD + "dateTime": _YEAR + r"-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])T(([01]\d|2[0-3]):[0-5]\d:[0-5]\d(\.\d+)?|24:00:00(\.0+)?)" + _TZ,
    XSD + "integer": r"[+-]?\d+",
    XSD + "nonNegativeInteger": r"\+?\d+|-0+",
    XSD + "positiveInteger": r"\+?0*[1-9]\d*",
    XSD + "decimal": r"[+-]?(\d+(\.\d*)?|\.\d+)",
    XSD + "double": r"[+-]?((\d+(\.\d*)?|\.\d+)([Ee][+-]?\d+)?|INF)|-INF|NaN",
    XSD + "boolean": r"true|false|1|0",
    XSD + "duration": r"-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?",
    XSD + "anyURI": r"[^\s]*",
}
_COMPILED = {datatype: re.compile(pattern) for datatype, pattern in LEXICAL.items()}
_YEAR_MONTH_DAY = re.compile(r"(-?\d+)-(\d\d)-(\d\d)")


def is_valid(literal: ox.Literal) -> bool:
    """True if ``literal``'s lexical form is in its datatype's lexical space (unknown datatypes pass)."""
    pattern = _COMPILED.get(literal.datatype.value)
    if pattern is None:
        return True
    if not pattern.fullmatch(literal.value):
        return False
    if literal.datatype.value in (XSD + "date", XSD + "dateTime"):
        year, month, day = (int(part) for part in _YEAR_MONTH_DAY.match(literal.value).groups())
        # Leap years repeat every 400 years, so any year (0, negative, beyond 9999) maps into range.
        return day <= calendar.monthrange(2000 + year % 400, month)[1]
    return True


def check_literals(quads: list[ox.Quad], path: Path, rel: str) -> None:
    """Raise InputSyntaxError (``rel:line:column: reason``) for the first ill-typed literal in ``quads``."""
    for quad in quads:
        term = quad.object
        if isinstance(term, ox.Literal) and not term.language and not is_valid(term):
            line, column = _position(path, term.value)
            datatype = "xsd:" + term.datatype.value.removeprefix(XSD)  # only XSD datatypes are checked
            raise InputSyntaxError(f"{rel}:{line}:{column}: {term.value!r} is not a valid {datatype}")


def _position(path: Path, lexical: str) -> tuple[int, int]:
    """Line and column (1-based) of the first quoted occurrence of ``lexical`` in ``path`` (0, 0 if not found)."""
    text = path.read_text(encoding="utf-8", errors="replace")
    for quote in ('"', "'"):
        index = text.find(quote + lexical + quote)
        if index >= 0:
            line = text.count("\n", 0, index) + 1
            return line, index - (text.rfind("\n", 0, index) + 1) + 1
    return 0, 0
