"""The build's SHACL report as RDF (a ``sh:ValidationReport``), for /validation asked in an RDF format.

The report is the one the build kept (``cqkg.build.report``): each finding becomes a
``sh:ValidationResult`` with its focus node, path, severity and message, and
``rdfs:seeAlso`` naming the data files that describe the focus node.
"""

from __future__ import annotations

import pyoxigraph as ox

from cqkg.build.validate import Finding, Report
from cqkg.namespaces import PREFIXES, RDF_TYPE, term

SH = PREFIXES["sh"]
TYPE = ox.NamedNode(RDF_TYPE)


def report_triples(report: Report) -> list[ox.Triple]:
    """The SHACL validation report of ``report``: the report node, then one result per finding."""
    node = ox.BlankNode("report")
    triples = [ox.Triple(node, TYPE, _sh("ValidationReport")),
               ox.Triple(node, _sh("conforms"), ox.Literal("true" if report.conforms else "false",
                                                           datatype=ox.NamedNode(term("xsd:boolean"))))]
    for index, finding in enumerate(report.findings, start=1):
        result = ox.BlankNode(f"result{index}")
        triples += [ox.Triple(node, _sh("result"), result)] + _result(result, finding)
    return triples


def _result(result: ox.BlankNode, finding: Finding) -> list[ox.Triple]:
    triples = [ox.Triple(result, TYPE, _sh("ValidationResult")),
               ox.Triple(result, _sh("focusNode"), _node(finding.focus)),
               ox.Triple(result, _sh("resultSeverity"), _sh(finding.severity)),
               ox.Triple(result, _sh("resultMessage"), ox.Literal(finding.message))]
    path = path_iri(finding.path)
    if path:
        triples.append(ox.Triple(result, _sh("resultPath"), ox.NamedNode(path)))
    triples += [ox.Triple(result, ox.NamedNode(term("rdfs:seeAlso")), ox.Literal(name)) for name in finding.files]
    return triples


def path_iri(path: str) -> str | None:
    """The IRI of a report's path as ``cqkg.build.validate`` writes it (``cq:unit`` or ``<iri>``); None if complex."""
    if path.startswith("<") and path.endswith(">"):
        return path[1:-1]
    prefix, colon, _local = path.partition(":")
    return term(path) if colon and prefix in PREFIXES else None


def _node(text: str):
    try:
        return ox.NamedNode(text)
    except ValueError:
        return ox.Literal(text)


def _sh(local: str) -> ox.NamedNode:
    return ox.NamedNode(SH + local)
