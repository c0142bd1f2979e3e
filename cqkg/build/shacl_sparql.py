"""SHACL shapes compiled to SPARQL SELECT queries, one per constraint of a shape, run over all focus nodes at once.

Each ``Check`` is a query whose solutions are validation results: ``?this`` the focus
node, ``?value`` the value node (when the component reports one) and, for SPARQL-based
constraints, the constraint's own variables (for its message). Shapes nested in
sh:or, sh:and, sh:xone, sh:not, sh:node and sh:qualifiedValueShape become boolean
SPARQL expressions (``conforms``). Instances are SHACL instances
(``rdf:type/rdfs:subClassOf*``), as in pySHACL; nested shapes are ``shacl_expressions``. SPARQL-based constraints get $this
pre-bound; $currentShape and $shapesGraph are not (the shapes are not in the store).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import URIRef
from rdflib.namespace import RDF, RDFS, SH

from cqkg.build.shacl_expressions import Fresh, conforms, conforms_to
from cqkg.build.shacl_shapes import Shape, SparqlQuery, Unsupported
from cqkg.namespaces import VALIDATION_GRAPH, VALIDATION_INSTANCE_OF, VALIDATION_TOUCHED

INSTANCE = f"<{RDF.type}>/<{RDFS.subClassOf}>*"
GRAPH = f"<{VALIDATION_GRAPH}>"
INSTANCE_OF, TOUCHED = f"<{VALIDATION_INSTANCE_OF}>", f"<{VALIDATION_TOUCHED}>"
FOCUS_ONLY = ("MinCount", "MaxCount", "HasValue", "UniqueLang", "QualifiedMinCount", "QualifiedMaxCount")


@dataclass(frozen=True)
class Check:
    """One query of the compiled shapes.

    ``components``: the component each result is of (indexed by ``?failed`` when
    there are several); ``value``: "value", "focus" (the focus node) or "" (none).
    """

    shape: Shape
    components: tuple[URIRef, ...]
    query: str
    value: str
    constraint: SparqlQuery | None = None


@dataclass
class Plan:
    """Compiled shapes: SPARQL updates that fill the scratch graph, the checks, and the shapes left uncompiled."""

    updates: list[str] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    left: list = field(default_factory=list)


def compile_shapes(shapes: list[Shape], restricted: bool = False) -> Plan:
    """Compile target shapes into a Plan.

    The update first notes, in VALIDATION_GRAPH, every instance of each class that a
    sh:class names, so that a check looks it up instead of walking rdfs:subClassOf
    for each value. ``restricted``: the core constraints check only the focus nodes
    marked as touched; SPARQL-based constraints keep every focus node, as their
    queries may reach any part of the graph.
    """
    plan = Plan()
    for shape in shapes:
        try:
            every, prefixes = _targets(shape)
            checks = compile_checks(shape, (_touched(every) if restricted else every, every), prefixes)
        except Unsupported:
            plan.left.append(shape.node)
            continue
        plan.checks += checks
    classes = sorted({c for shape in shapes if shape.node not in plan.left for c in _classes(shape)})
    if classes:
        plan.updates.append(f"INSERT {{ GRAPH {GRAPH} {{ ?x {INSTANCE_OF} ?class }} }} WHERE {{ "
                            f"VALUES ?class {{ {' '.join(f'<{c}>' for c in classes)} }} ?x {INSTANCE} ?class }}")
    return plan


def compile_checks(shape: Shape, targets: tuple[str, str], prefixes: dict) -> list[Check]:
    """Return the checks of a target shape and its property shapes.

    ``targets``: the patterns binding ?this to the focus nodes the core constraints
    check and to those the SPARQL-based constraints check; ``prefixes``: those the
    patterns use.
    """
    checks = _shape_checks(shape, targets, prefixes)
    for prop in shape.properties:
        checks += _shape_checks(prop, targets, prefixes)
    return checks


def _shape_checks(shape: Shape, both_targets: tuple[str, str], prefixes: dict) -> list[Check]:
    """The checks of one shape: its value-node tests in one query, counts in one, each other focus test alone."""
    targets, every_target = both_targets
    fresh = Fresh()
    checks, tests = [], []
    counts = {name: int(p) for name, p in shape.constraints if name in ("MinCount", "MaxCount")}
    for name, parameter in shape.constraints:
        if shape.path is not None and name in FOCUS_ONLY:
            if name not in counts or len(counts) == 1:
                query = _focus_check(name, parameter, shape.path, targets, fresh)
                checks.append(Check(shape, (SH[name + "ConstraintComponent"],), _prefixed(query, prefixes), ""))
        else:
            tests.append((SH[name + "ConstraintComponent"],
                          conforms_to(name, parameter, "?this" if shape.path is None else "?value", fresh)))
    if len(counts) == 2:
        query = _counts_check(counts, shape.path, targets)
        checks.append(Check(shape, (SH.MinCountConstraintComponent, SH.MaxCountConstraintComponent),
                            _prefixed(query, prefixes), ""))
    if tests:
        # One scan of the focus nodes (and values) for every test: ?failed says which test failed.
        failing = " || ".join(f"(?failed = {index} && !({test}))" for index, (_c, test) in enumerate(tests))
        rows = f"{targets} ?this <{shape.path}> ?value ." if shape.path is not None else targets
        query = (f"SELECT ?this ?value ?failed WHERE {{ {rows} VALUES ?failed {{ {' '.join(map(str, range(len(tests))))} }} "
                 f"FILTER({failing}) }}")
        checks.append(Check(shape, tuple(c for c, _t in tests), _prefixed(query, prefixes),
                            "focus" if shape.path is None else "value"))
    if shape.sparql and shape.path is not None:
        raise Unsupported("a SPARQL constraint on a property shape ($PATH)")
    for constraint in shape.sparql:
        # LATERAL (SPARQL 1.2 draft, in Oxigraph) evaluates the SELECT once per focus
        # node with $this bound, as SHACL's pre-binding does, in one query for all of them.
        query = f"SELECT * WHERE {{ {every_target} LATERAL {{ {constraint.select} }} }}"
        checks.append(Check(shape, (SH.SPARQLConstraintComponent,),
                            _prefixed(query, _merge(prefixes, dict(constraint.prefixes))), "focus", constraint))
    return checks


def _counts_check(counts: dict[str, int], path: URIRef, targets: str) -> str:
    """One query for sh:minCount and sh:maxCount together (?failed 0: too few values, 1: too many)."""
    return (f"SELECT ?this ?failed WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {targets} "
            f"OPTIONAL {{ ?this <{path}> ?v }} }} GROUP BY ?this }} VALUES ?failed {{ 0 1 }} "
            f"FILTER((?failed = 0 && ?n < {counts['MinCount']}) || (?failed = 1 && ?n > {counts['MaxCount']})) }}")


def _targets(shape: Shape) -> tuple[str, dict]:
    """A subquery binding ?this to each focus node of ``shape``, once, and the prefixes it uses."""
    parts, prefixes = [], {}
    for kind, value in shape.targets:
        if kind == "class":
            parts.append(f"?this {INSTANCE} <{value}> .")
        elif kind == "node":
            parts.append(f"VALUES ?this {{ {value.n3()} }}")
        elif kind == "subjectsOf":
            parts.append(f"?this <{value}> ?target_object .")
        elif kind == "objectsOf":
            parts.append(f"?target_subject <{value}> ?this .")
        else:
            parts.append(value.select)
            prefixes = _merge(prefixes, dict(value.prefixes))
    union = " UNION ".join(f"{{ {part} }}" for part in parts) or "FILTER(false)"
    return f"{{ SELECT DISTINCT ?this WHERE {{ {union} }} }}", prefixes


def _touched(targets: str) -> str:
    """``targets`` narrowed to the nodes marked as touched (LATERAL: looked up for each of them)."""
    return f"GRAPH {GRAPH} {{ {TOUCHED} {TOUCHED} ?this }} LATERAL {targets}"


def _classes(shape: Shape):
    """Every class a sh:class of ``shape`` or of a shape in it names."""
    for name, parameter in shape.constraints:
        if name == "Class":
            yield parameter
        elif name in ("Node", "Not"):
            yield from _classes(parameter)
        elif name in ("Or", "And", "Xone"):
            for inner in parameter:
                yield from _classes(inner)
        elif name in ("QualifiedMinCount", "QualifiedMaxCount"):
            yield from _classes(parameter[0])
    for prop in shape.properties:
        yield from _classes(prop)


def _focus_check(name: str, parameter, path: URIRef, targets: str, fresh: Fresh) -> str:
    """A query for a component that reports the focus node only (counts, sh:hasValue, sh:uniqueLang)."""
    if name == "HasValue":
        return f"SELECT ?this WHERE {{ {targets} FILTER NOT EXISTS {{ ?this <{path}> {parameter.n3()} }} }}"
    if name == "UniqueLang":
        if not parameter.toPython():
            return "SELECT ?this WHERE { FILTER(false) }"
        return (f"SELECT DISTINCT ?this ?lang WHERE {{ {targets} ?this <{path}> ?a, ?b "
                f"FILTER(LANG(?a) != \"\" && LANG(?a) = LANG(?b) && !sameTerm(?a, ?b)) BIND(LANG(?a) AS ?lang) }}")
    if name in ("MinCount", "MaxCount"):
        bound, qualifies = int(parameter), ""
    else:
        inner, bound = parameter
        qualifies = f"FILTER({conforms(inner, '?v', fresh)})"
    if name.endswith("MinCount") and bound == 0:
        return "SELECT ?this WHERE { FILTER(false) }"
    if name.endswith("MinCount") and bound == 1:
        return f"SELECT ?this WHERE {{ {targets} FILTER NOT EXISTS {{ ?this <{path}> ?v {qualifies} }} }}"
    failing = f"?n < {bound}" if name.endswith("MinCount") else f"?n > {bound}"
    return (f"SELECT ?this WHERE {{ {{ SELECT ?this (COUNT(DISTINCT ?v) AS ?n) WHERE {{ {targets} "
            f"OPTIONAL {{ ?this <{path}> ?v {qualifies} }} }} GROUP BY ?this }} FILTER({failing}) }}")


def _merge(first: dict, second: dict) -> dict:
    clash = [p for p in first.keys() & second.keys() if first[p] != second[p]]
    if clash:
        raise Unsupported(f"prefix {clash[0]} declared with two namespaces")
    return {**first, **second}


def _prefixed(query: str, prefixes: dict) -> str:
    return "".join(f"PREFIX {prefix}: <{namespace}>\n" for prefix, namespace in sorted(prefixes.items())) + query


