"""SHACL shapes nested in others, as SPARQL boolean expressions: true when a node conforms.

``conforms(shape, term, fresh)`` is the test of a whole shape (sh:or, sh:and, sh:xone,
sh:not, sh:node, sh:qualifiedValueShape); ``conforms_to(name, parameter, term, fresh)``
the test of one constraint of a value node. A class test looks up the instances that
``shacl_sparql`` notes in VALIDATION_GRAPH beforehand.
"""

from __future__ import annotations

import itertools

from rdflib import Literal, URIRef
from rdflib.namespace import SH, XSD

from cqkg.build.shacl_shapes import Shape, Unsupported
from cqkg.namespaces import VALIDATION_GRAPH, VALIDATION_INSTANCE_OF

GRAPH, INSTANCE_OF = f"<{VALIDATION_GRAPH}>", f"<{VALIDATION_INSTANCE_OF}>"
#: Datatypes whose lexical space a SPARQL cast checks (ill-typed literals violate sh:datatype).
CASTS = {XSD[name] for name in ("boolean", "integer", "decimal", "double", "float", "date", "dateTime", "time",
                                "duration", "dayTimeDuration", "yearMonthDuration", "gYear")}
NODE_KINDS = {SH.IRI: "isIRI({0})", SH.BlankNode: "isBlank({0})", SH.Literal: "isLiteral({0})",
              SH.BlankNodeOrIRI: "!isLiteral({0})", SH.BlankNodeOrLiteral: "!isIRI({0})",
              SH.IRIOrLiteral: "!isBlank({0})"}
COMPARISONS = {"MinInclusive": ">=", "MaxInclusive": "<=", "MinExclusive": ">", "MaxExclusive": "<"}
COUNTED = 5  # nested shapes count up to this many distinct values (sh:minCount 5 in an sh:or)


def conforms(shape: Shape, term: str, fresh: Fresh) -> str:
    """A SPARQL expression true when the node ``term`` conforms to the nested ``shape``."""
    if shape.sparql:
        raise Unsupported("a SPARQL constraint in a nested shape")
    tests = []
    for name, parameter in shape.constraints:
        if shape.path is None:
            tests.append(conforms_to(name, parameter, term, fresh))
        else:
            tests.append(_path_conforms(name, parameter, shape.path, term, fresh))
    for prop in shape.properties:
        tests.append(conforms(prop, term, fresh))
    return "(" + " && ".join(tests) + ")" if tests else "true"


def _path_conforms(name: str, parameter, path: URIRef, term: str, fresh: Fresh) -> str:
    """The expression for one constraint of a nested property shape at ``term``."""
    if name in ("MinCount", "MaxCount", "QualifiedMinCount", "QualifiedMaxCount"):
        inner, bound = (None, int(parameter)) if name in ("MinCount", "MaxCount") else parameter
        least = bound if name.endswith("MinCount") else bound + 1
        if least == 0:
            return "true" if name.endswith("MinCount") else f"NOT EXISTS {{ {term} <{path}> ?{fresh()} }}"
        if least > COUNTED:
            raise Unsupported(f"a nested count of {least}")
        values = [f"?{fresh()}" for _ in range(least)]
        distinct = [f"!sameTerm({a}, {b})" for a, b in itertools.combinations(values, 2)]
        distinct += [conforms(inner, v, fresh) for v in values] if inner is not None else []
        pattern = f"{term} <{path}> {', '.join(values)} " + (f"FILTER({' && '.join(distinct)})" if distinct else "")
        return f"EXISTS {{ {pattern} }}" if name.endswith("MinCount") else f"NOT EXISTS {{ {pattern} }}"
    if name == "HasValue":
        return f"EXISTS {{ {term} <{path}> {parameter.n3()} }}"
    if name == "UniqueLang":
        a, b = f"?{fresh()}", f"?{fresh()}"
        return (f"NOT EXISTS {{ {term} <{path}> {a}, {b} "
                f"FILTER(LANG({a}) != \"\" && LANG({a}) = LANG({b}) && !sameTerm({a}, {b})) }}")
    value = f"?{fresh()}"
    return f"NOT EXISTS {{ {term} <{path}> {value} FILTER(!({conforms_to(name, parameter, value, fresh)})) }}"


def conforms_to(name: str, parameter, term: str, fresh: Fresh) -> str:
    """The expression for one value-node constraint at ``term``."""
    if name == "Class":
        return f"EXISTS {{ GRAPH {GRAPH} {{ {term} {INSTANCE_OF} <{parameter}> }} }}"
    if name == "Datatype":
        typed = f"isLiteral({term}) && sameTerm(DATATYPE({term}), <{parameter}>)"
        cast = f" && COALESCE(isLiteral(<{parameter}>({term})), false)" if parameter in CASTS else ""
        return f"({typed}{cast})"
    if name == "NodeKind":
        return NODE_KINDS[parameter].format(term)
    if name in COMPARISONS:
        return f"COALESCE({term} {COMPARISONS[name]} {parameter.n3()}, false)"
    if name in ("MinLength", "MaxLength"):
        return f"(!isBlank({term}) && STRLEN(STR({term})) {'>=' if name == 'MinLength' else '<='} {int(parameter)})"
    if name == "Pattern":
        pattern, flags = parameter
        extra = f", {Literal(str(flags)).n3()}" if flags is not None else ""
        return f"(!isBlank({term}) && REGEX(STR({term}), {Literal(str(pattern)).n3()}{extra}))"
    if name == "LanguageIn":
        tags = " || ".join(f"langMatches(LANG({term}), {Literal(str(tag)).n3()})" for tag in parameter)
        return f"(isLiteral({term}) && ({tags or 'false'}))"
    if name in ("In", "HasValue"):
        values = parameter if name == "In" else [parameter]
        return "(" + (" || ".join(f"sameTerm({term}, {_constant(v)})" for v in values) or "false") + ")"
    if name == "Node":
        return conforms(parameter, term, fresh)
    if name == "Not":
        return f"!{conforms(parameter, term, fresh)}"
    if name in ("Or", "And"):
        joined = (" || " if name == "Or" else " && ").join(conforms(s, term, fresh) for s in parameter)
        return f"({joined or ('false' if name == 'Or' else 'true')})"
    if name == "Xone":
        return "(" + " + ".join(f"IF({conforms(s, term, fresh)}, 1, 0)" for s in parameter) + " = 1)"
    raise Unsupported(f"sh:{name[0].lower()}{name[1:]} on a node")


def _constant(term) -> str:
    if not isinstance(term, (URIRef, Literal)):
        raise Unsupported("a blank node in sh:in or sh:hasValue")
    return term.n3()


class Fresh:
    """Fresh variable names within one query."""

    def __init__(self):
        self.count = itertools.count()

    def __call__(self) -> str:
        return f"v{next(self.count)}"
