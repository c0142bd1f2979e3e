"""Run compiled SHACL shapes (``shacl_sparql``) on an in-memory pyoxigraph store of the data graph.

The validation results come out as ``Result`` rows, the same rows that
``shacl_reference`` reads from a pySHACL report, so the two engines can be compared.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox

from cqkg.build.shacl_shapes import Shape
from cqkg.build.shacl_sparql import Check, compile_shapes
from cqkg.namespaces import VALIDATION_GRAPH, VALIDATION_TOUCHED


@dataclass(frozen=True)
class Result:
    """One validation result: focus node and value as pyoxigraph terms; source shape and source
    constraint (a SPARQL-based constraint's node, else None) as rdflib nodes.

    ``path``, ``component`` and ``severity`` are IRIs ("" for no path). ``messages``
    are the result messages (sh:message, with a SPARQL constraint's {?var} filled in);
    they are not part of a result's identity.
    """

    focus: object
    path: str
    component: str
    severity: str
    shape: object
    value: object
    constraint: object = None
    messages: tuple[str, ...] = field(default=(), compare=False)


def data_store(triples) -> ox.Store:
    """Return an in-memory store holding ``triples`` (pyoxigraph triples or quads) in its default graph."""
    store = ox.Store()
    store.bulk_extend(t if isinstance(t, ox.Quad) and isinstance(t.graph_name, ox.DefaultGraph)
                      else ox.Quad(t.subject, t.predicate, t.object) for t in triples)
    return store


def run_shapes(store: ox.Store, shapes: list[Shape], touched: set | None = None) -> tuple[list[Result], list]:
    """Validate ``store`` against ``shapes``; return (results, nodes of the shapes that could not be compiled).

    ``touched`` (pyoxigraph terms) restricts the core constraints to those focus nodes;
    SPARQL-based constraints always run for every focus node, as their queries may reach anywhere.
    """
    plan = compile_shapes(shapes, restricted=touched is not None)
    store.remove_graph(ox.NamedNode(VALIDATION_GRAPH))  # the scratch graph of an earlier run, if any
    if touched is not None:
        mark = ox.NamedNode(VALIDATION_TOUCHED)
        store.bulk_extend(ox.Quad(mark, mark, node, ox.NamedNode(VALIDATION_GRAPH)) for node in touched)
    for update in plan.updates:
        store.update(update)
    results = []
    for check in plan.checks:
        results += _results(store, check)
    return results, plan.left


def _results(store: ox.Store, check: Check) -> list[Result]:
    solutions = store.query(check.query)
    names = [variable.value for variable in solutions.variables]
    rows = []
    for solution in solutions:
        bound = {name: solution[name] for name in names if solution[name] is not None}
        focus = bound["this"]
        value = bound.get("value", focus) if check.value == "focus" else bound.get("value")
        path = bound.get("path") if check.constraint is not None else None
        path = path.value if isinstance(path, ox.NamedNode) else str(check.shape.path or "")
        component = check.components[int(bound["failed"].value) if "failed" in bound else 0]
        rows.append(Result(
            focus=focus, path=path, component=str(component), severity=str(check.shape.severity),
            shape=check.shape.node, value=value,
            constraint=check.constraint.node if check.constraint is not None else None,
            messages=_messages(check, bound)))
    return rows


def _messages(check: Check, bound: dict) -> tuple[str, ...]:
    """The result messages: a SPARQL constraint's own, then the shape's, with {?var} and {$var} filled in."""
    templates = [str(m) for m in (check.constraint.messages if check.constraint else ())]
    templates += [str(m) for m in check.shape.messages if str(m) not in templates]
    if check.constraint is None:
        return tuple(templates)
    messages = []
    for text in templates:
        for name, term in bound.items():
            text = text.replace("{?" + name + "}", term.value).replace("{$" + name + "}", term.value)
        messages.append(text)
    return tuple(messages)


def reach(store: ox.Store, touched: set, hops: int) -> set:
    """Return ``touched`` and every node linking to one of them through at most ``hops`` triples (backwards)."""
    found, frontier = set(touched), set(touched)
    for _ in range(hops):
        frontier = {quad.subject for node in frontier if not isinstance(node, ox.Literal)
                    for quad in store.quads_for_pattern(None, None, node, ox.DefaultGraph())} - found
        found |= frontier
    return found
