"""The SHACL shapes graph read into plain data, for the SPARQL compiler (``shacl_sparql``).

``read_shapes`` returns the shapes that have targets, each with its constraints,
property shapes and SPARQL constraints, and separately the target shapes that use a
feature the compiler does not translate (``Unsupported``): those are left to pySHACL.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, RDFS, SH

TARGETS = (SH.targetClass, SH.targetNode, SH.targetSubjectsOf, SH.targetObjectsOf, SH.target)
#: Parameters whose every value is one constraint (a value-node test unless said otherwise).
SINGLE = {SH["class"]: "Class", SH.datatype: "Datatype", SH.nodeKind: "NodeKind", SH.hasValue: "HasValue",
          SH.minInclusive: "MinInclusive", SH.maxInclusive: "MaxInclusive", SH.minExclusive: "MinExclusive",
          SH.maxExclusive: "MaxExclusive", SH.minLength: "MinLength", SH.maxLength: "MaxLength",
          SH.minCount: "MinCount", SH.maxCount: "MaxCount", SH.uniqueLang: "UniqueLang", SH.node: "Node",
          SH["not"]: "Not"}
#: Parameters whose value is an RDF list.
LISTS = {SH["in"]: "In", SH.languageIn: "LanguageIn", SH["or"]: "Or", SH["and"]: "And", SH.xone: "Xone"}
#: Predicates of a shape that carry no constraint (or that are read with another parameter).
INERT = {SH.property, SH.path, SH.severity, SH.message, SH.deactivated, SH.name, SH.description, SH.order,
         SH.group, SH.defaultValue, SH.sparql, SH.flags, SH.pattern, SH.qualifiedValueShape,
         SH.qualifiedMinCount, SH.qualifiedMaxCount, SH.declare, SH.prefixes, *TARGETS}
SHAPE_PARAMETERS = ("Node", "Not", "Or", "And", "Xone")
MAX_DEPTH = 8


class Unsupported(Exception):
    """A shape uses a feature the SPARQL compiler does not translate."""


@dataclass(frozen=True)
class SparqlQuery:
    """A SELECT of a SPARQL-based constraint or target, with the prefixes it declares."""

    node: object
    select: str
    prefixes: tuple[tuple[str, str], ...]
    messages: tuple[Literal, ...] = ()


@dataclass
class Shape:
    """One shape: its targets, path (property shapes), constraints, property shapes and SPARQL constraints.

    ``constraints`` holds (component name, parameter) pairs, e.g. ("Class", URIRef) or
    ("Or", [Shape, ...]); the component IRI is ``sh:<name>ConstraintComponent``.
    """

    node: object
    path: URIRef | None = None
    severity: URIRef = SH.Violation
    messages: tuple[Literal, ...] = ()
    targets: list[tuple[str, object]] = field(default_factory=list)
    constraints: list[tuple[str, object]] = field(default_factory=list)
    properties: list[Shape] = field(default_factory=list)
    sparql: list[SparqlQuery] = field(default_factory=list)


def read_shapes(graph: Graph) -> tuple[list[Shape], list[object]]:
    """Return (the target shapes the compiler translates, the target shapes it leaves to pySHACL)."""
    compiled, left = [], []
    roots = {s for p in TARGETS for s in graph.subjects(p, None)}
    roots |= {s for s in graph.subjects(RDF.type, SH.NodeShape) if (s, RDF.type, RDFS.Class) in graph}
    for node in sorted(roots, key=str):
        if _deactivated(graph, node):
            continue
        try:
            shape = read_shape(graph, node)
            shape.targets = _targets(graph, node)
            compiled.append(shape)
        except Unsupported:
            left.append(node)
    return compiled, left


def read_shape(graph: Graph, node, depth: int = 0) -> Shape:
    """Read the shape at ``node`` (and the shapes it refers to); raises Unsupported."""
    if depth > MAX_DEPTH:
        raise Unsupported(f"shapes nested deeper than {MAX_DEPTH} (recursive?)")
    path = graph.value(node, SH.path)
    if path is not None and not isinstance(path, URIRef):
        raise Unsupported("a path other than one predicate")
    shape = Shape(node=node, path=path, severity=graph.value(node, SH.severity) or SH.Violation,
                  messages=tuple(sorted(graph.objects(node, SH.message))))
    for predicate, value in sorted(graph.predicate_objects(node)):
        if predicate in SINGLE:
            name = SINGLE[predicate]
            shape.constraints.append((name, read_shape(graph, value, depth + 1) if name in SHAPE_PARAMETERS else value))
        elif predicate in LISTS:
            items = list(Collection(graph, value))
            name = LISTS[predicate]
            if name in SHAPE_PARAMETERS:
                items = [read_shape(graph, item, depth + 1) for item in items]
            shape.constraints.append((name, items))
        elif str(predicate).startswith(str(SH)) and predicate not in INERT:
            raise Unsupported(f"constraint parameter {predicate}")
    for pattern in graph.objects(node, SH.pattern):
        shape.constraints.append(("Pattern", (pattern, graph.value(node, SH.flags))))
    shape.constraints += _qualified(graph, node, depth)
    shape.properties = [read_shape(graph, p, depth + 1) for p in sorted(graph.objects(node, SH.property), key=str)
                        if not _deactivated(graph, p)]
    if path is not None and shape.properties:
        raise Unsupported("property shapes of a property shape")
    shape.sparql = [_sparql(graph, c) for c in sorted(graph.objects(node, SH.sparql), key=str)
                    if not _deactivated(graph, c)]
    return shape


def _qualified(graph: Graph, node, depth: int) -> list[tuple[str, object]]:
    qualified = graph.value(node, SH.qualifiedValueShape)
    if qualified is None:
        return []
    if graph.value(node, SH.qualifiedValueShapesDisjoint) is not None:
        raise Unsupported("sh:qualifiedValueShapesDisjoint")
    inner = read_shape(graph, qualified, depth + 1)
    return [(name, (inner, int(bound))) for name, bound in
            (("QualifiedMinCount", graph.value(node, SH.qualifiedMinCount)),
             ("QualifiedMaxCount", graph.value(node, SH.qualifiedMaxCount))) if bound is not None]


def _targets(graph: Graph, node) -> list[tuple[str, object]]:
    targets = [(kind, value) for kind, predicate in (("class", SH.targetClass), ("node", SH.targetNode),
                                                      ("subjectsOf", SH.targetSubjectsOf),
                                                      ("objectsOf", SH.targetObjectsOf))
               for value in sorted(graph.objects(node, predicate))]
    if (node, RDF.type, RDFS.Class) in graph:
        targets.append(("class", node))
    for target in graph.objects(node, SH.target):
        if (target, RDF.type, SH.SPARQLTarget) not in graph:
            raise Unsupported("a custom target type")
        targets.append(("sparql", _sparql(graph, target)))
    if any(isinstance(value, BNode) for kind, value in targets if kind != "sparql"):
        raise Unsupported("a blank node as a target parameter")
    return targets


def _sparql(graph: Graph, node) -> SparqlQuery:
    selects = list(graph.objects(node, SH.select))
    if len(selects) != 1:
        raise Unsupported("a SPARQL constraint or target without exactly one sh:select (ASK-based validators)")
    prefixes = {}
    for declaring in graph.objects(node, SH.prefixes):
        for declaration in graph.objects(declaring, SH.declare):
            prefixes[str(graph.value(declaration, SH.prefix))] = str(graph.value(declaration, SH.namespace))
    return SparqlQuery(node=node, select=str(selects[0]), prefixes=tuple(sorted(prefixes.items())),
                       messages=tuple(sorted(graph.objects(node, SH.message))))


def _deactivated(graph: Graph, node) -> bool:
    flag = graph.value(node, SH.deactivated)
    return isinstance(flag, Literal) and flag.toPython() is True


def reach_depth(shape: Shape, depth: int = 0) -> int:
    """How many links away from its focus node ``shape`` reads triples (0: only the focus node's own).

    A property shape reads its focus node's triples; a test of a value's class or a
    shape nested on a value reads that value's triples, one link further.
    """
    deepest = depth
    values_at = depth + 1 if shape.path is not None else depth
    for name, parameter in shape.constraints:
        if name == "Class":
            deepest = max(deepest, values_at)
        elif name in ("Node", "Not"):
            deepest = max(deepest, reach_depth(parameter, values_at))
        elif name in ("Or", "And", "Xone"):
            deepest = max([deepest] + [reach_depth(inner, values_at) for inner in parameter])
        elif name in ("QualifiedMinCount", "QualifiedMaxCount"):
            deepest = max(deepest, reach_depth(parameter[0], values_at))
    return max([deepest] + [reach_depth(prop, depth) for prop in shape.properties])
