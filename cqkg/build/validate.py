"""SHACL validation of the asserted data with pySHACL, as a readable report.

``validate`` runs the shapes of ontology/shapes.ttl over the asserted data (plus
the ontology, so that targets follow rdfs:subClassOf), without inference, and
returns a ``Report`` whose rows name the focus node, path, message, severity and
the data file(s) where the node is defined.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import pyshacl
from rdflib import Graph, Namespace
from rdflib.namespace import RDF

from cqkg.namespaces import shorten

SH = Namespace("http://www.w3.org/ns/shacl#")
SEVERITY_NAMES = {SH.Violation: "Violation", SH.Warning: "Warning", SH.Info: "Info"}


@dataclass(frozen=True)
class Finding:
    """One result of the validation report."""

    severity: str
    focus: str
    path: str
    message: str
    files: tuple[str, ...]

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


def validate(data: Graph, shapes: Graph, ontology: Graph, defined_in: dict[str, set[str]] | None = None) -> Report:
    """Validate ``data`` against ``shapes`` with ``ontology`` as the ontology graph.

    ``defined_in`` maps subject IRIs to the files that describe them, for the
    report. Returns a Report (never raises for non-conformance).
    """
    # The ontology is merged in rather than passed as ont_graph: pySHACL mixes only
    # part of an ont_graph in, and the shapes also need the ontology's individuals
    # (units, value bounds) for sh:class.
    merged = Graph()
    for graph in (ontology, data):
        for triple in graph:
            merged.add(triple)
    _conforms, results, _text = pyshacl.validate(
        merged, shacl_graph=shapes, inference="none", advanced=True,
        abort_on_first=False, allow_warnings=True, meta_shacl=False,
    )
    defined_in = defined_in or {}
    findings = [_finding(results, node, defined_in) for node in results.subjects(RDF.type, SH.ValidationResult)]
    findings.sort(key=lambda f: (list(SEVERITY_NAMES.values()).index(f.severity), f.focus, f.path, f.message))
    return Report(findings)


def _finding(results: Graph, node, defined_in) -> Finding:
    focus = str(results.value(node, SH.focusNode))
    path = results.value(node, SH.resultPath)
    severity = SEVERITY_NAMES.get(results.value(node, SH.resultSeverity), "Violation")
    message = results.value(node, SH.resultMessage)
    return Finding(
        severity=severity, focus=focus, path=_short(path) if path is not None else "",
        message=str(message) if message is not None else "constraint not met",
        files=tuple(sorted(defined_in.get(focus, ()))),
    )


def _short(path) -> str:
    return shorten(str(path)) or f"<{path}>"
