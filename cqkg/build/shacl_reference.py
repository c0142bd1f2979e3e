"""pySHACL, the reference SHACL engine: the fallback for shapes the SPARQL compiler leaves, and the tests' yardstick.

``reference_results`` runs pySHACL (no inference, SHACL-AF on) and returns the top-level
results of its report as ``Result`` rows, comparable with the compiled engine's.
"""

from __future__ import annotations

import pyshacl
from rdflib import Graph
from rdflib.namespace import RDF, SH

from cqkg.build.load import to_oxigraph
from cqkg.build.shacl_engine import Result


def reference_results(data: Graph, shapes: Graph, focus: list[str] | None = None,
                      use_shapes: list | None = None) -> list[Result]:
    """Validate ``data`` with pySHACL; ``focus`` (IRIs) and ``use_shapes`` (shape IRIs) restrict the run."""
    if focus is not None and not focus:
        return []
    _conforms, report, _text = pyshacl.validate(
        data, shacl_graph=shapes, inference="none", advanced=True, abort_on_first=False,
        allow_warnings=True, meta_shacl=False, focus_nodes=focus, use_shapes=use_shapes,
    )
    return [_result(report, node) for top in report.subjects(RDF.type, SH.ValidationReport)
            for node in report.objects(top, SH.result)]


def _result(report: Graph, node) -> Result:
    def term(predicate):
        value = report.value(node, predicate)
        return to_oxigraph(value) if value is not None else None

    path = report.value(node, SH.resultPath)
    return Result(
        focus=term(SH.focusNode), path=str(path) if path is not None else "",
        component=str(report.value(node, SH.sourceConstraintComponent)),
        severity=str(report.value(node, SH.resultSeverity)), shape=report.value(node, SH.sourceShape),
        value=term(SH.value), constraint=report.value(node, SH.sourceConstraint), messages=tuple(sorted(str(m) for m in report.objects(node, SH.resultMessage))),
    )
