"""SHACL validation of the asserted data, as a readable report.

``validate`` checks the data (plus the ontology, so that targets and sh:class follow
rdfs:subClassOf) against the shapes of ontology/shapes.ttl, without inference.
The shapes are compiled to SPARQL queries run on an in-memory pyoxigraph store
(``shacl_shapes`` → ``shacl_sparql`` → ``shacl_engine``): pySHACL took 15–20 s on the
shipped data and grew faster than the data; the queries take a fraction of a second
(figures in docs/benchmarks.md). A shape using a feature the compiler does not
translate is checked by pySHACL (``shacl_reference``), which the tests also use as
the reference. The ``Report``'s rows name the focus node, path, constraint component,
source shape, value, message, severity and the data file(s) where the node is defined.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyoxigraph as ox
from rdflib import BNode, Graph

from cqkg.build.load import to_graph, to_oxigraph
from cqkg.build.shacl_engine import Result, data_store, reach, run_shapes
from cqkg.build.shacl_reference import reference_results
from cqkg.build.shacl_shapes import reach_depth, read_shapes
from cqkg.namespaces import PREFIXES, VALIDATION_GRAPH, shorten

SHACL = PREFIXES["sh"]
SEVERITY_NAMES = {SHACL + "Violation": "Violation", SHACL + "Warning": "Warning", SHACL + "Info": "Info"}
SEVERITY_ORDER = list(SEVERITY_NAMES.values())


@dataclass(frozen=True)
class Finding:
    """One result of the validation report (``component`` and ``shape`` in prefixed form, ``value`` in N-Triples)."""

    severity: str
    focus: str
    path: str
    message: str
    files: tuple[str, ...]
    component: str = ""
    shape: str = ""
    value: str = ""

    def line(self) -> str:
        """Return the finding as one line: severity, file(s), focus node, path, message."""
        where = ",".join(self.files) or "-"
        path = f" {self.path}" if self.path else ""
        return f"{self.severity}: {where}: <{self.focus}>{path}: {self.message}"


@dataclass
class Report:
    """The findings of one validation, sorted by severity then focus node."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def violations(self) -> list[Finding]:
        """The findings of severity Violation (they make the data non-conforming)."""
        return [f for f in self.findings if f.severity == "Violation"]

    @property
    def conforms(self) -> bool:
        """True when there is no violation (warnings and infos do not count)."""
        return not self.violations

    def counts(self) -> dict[str, int]:
        """Return the number of findings per severity."""
        result = {"Violation": 0, "Warning": 0, "Info": 0}
        for finding in self.findings:
            result[finding.severity] += 1
        return result


def validate(data, shapes, ontology, defined_in: dict[str, set[str]] | None = None, focus=None) -> Report:
    """Validate ``data`` against ``shapes`` with ``ontology`` merged into the data graph.

    ``data``, ``shapes`` and ``ontology`` are rdflib Graphs or iterables of pyoxigraph
    triples or quads (graph names are dropped: the data graph is their union). ``data``
    may also be a pyoxigraph Store whose default graph is the data graph, the ontology
    included (the build's working store): it is validated in place, not copied, and left
    as it was.
    ``defined_in`` maps subject IRIs to the files that describe them, for the report.

    ``focus`` makes the validation incremental: the IRIs (or pyoxigraph terms) of the
    nodes an edit touched, i.e. the subjects and objects of the triples it added or
    removed. The core constraints then check those nodes and every node whose shapes
    read their triples (found by following links backwards as far as the shapes look,
    ``reach_depth``); SPARQL-based constraints, whose queries may read anything, check
    every focus node. ``None`` (the default) validates everything.

    Returns a Report (never raises for non-conformance).
    """
    shapes_graph = shapes if isinstance(shapes, Graph) else to_graph(shapes)
    if isinstance(data, ox.Store):
        store, data = data, _DefaultGraph(data)
    else:
        store = data_store(list(_triples(ontology)) + list(_triples(data)))
    compiled, left = read_shapes(shapes_graph)
    try:
        if focus is not None:
            touched = {ox.NamedNode(node) if isinstance(node, str) else node for node in focus}
            focus = reach(store, touched, max((reach_depth(shape) for shape in compiled), default=0))
        results, not_compiled = run_shapes(store, compiled, focus)
    finally:
        store.remove_graph(ox.NamedNode(VALIDATION_GRAPH))  # the engine's scratch graph
    left += not_compiled
    if left:
        results = _with_pyshacl(results, left, data, ontology, shapes_graph, focus)
    return _report(results, defined_in or {})


def _with_pyshacl(results: list[Result], left: list, data, ontology, shapes: Graph, focus) -> list[Result]:
    """Add pySHACL's results for the shapes ``left`` (pySHACL selects shapes by IRI only: a blank one reruns all)."""
    merged = Graph()
    for graph in (ontology, data):
        for triple in (graph if isinstance(graph, Graph) else to_graph(graph)):
            merged.add(triple)
    focus_iris = None if focus is None else sorted(n.value for n in focus if isinstance(n, ox.NamedNode))
    if any(isinstance(node, BNode) for node in left):
        return reference_results(merged, shapes, focus_iris)
    return results + reference_results(merged, shapes, focus_iris, use_shapes=left)


class _DefaultGraph:
    """The quads of a store's default graph, iterable as often as needed (the pySHACL fallback reads them)."""

    def __init__(self, store: ox.Store):
        self.store = store

    def __iter__(self):
        return iter(self.store.quads_for_pattern(None, None, None, ox.DefaultGraph()))


def _triples(source):
    if isinstance(source, Graph):
        return (ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in source)
    return source


def _report(results: list[Result], defined_in: dict[str, set[str]]) -> Report:
    findings = {_finding(result, defined_in) for result in results}
    return Report(sorted(findings, key=lambda f: (SEVERITY_ORDER.index(f.severity), f.focus, f.path, f.message,
                                                  f.component, f.shape, f.value)))


def _finding(result: Result, defined_in: dict[str, set[str]]) -> Finding:
    focus = result.focus.value
    component = _short(result.component)
    return Finding(
        severity=SEVERITY_NAMES.get(result.severity, "Violation"), focus=focus,
        path=_short(result.path) if result.path else "",
        message=result.messages[0] if result.messages else f"{component} not satisfied",
        files=tuple(sorted(defined_in.get(focus, ()))), component=component,
        shape=result.shape.n3() if isinstance(result.shape, BNode) else _short(str(result.shape)),
        value=str(result.value) if result.value is not None else "",
    )


def _short(path) -> str:
    return shorten(str(path)) or f"<{path}>"
