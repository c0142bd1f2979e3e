"""Load the ontology, the shapes and the data files, reporting syntax errors as file:line:column.

Files are parsed with pyoxigraph (fast, and its errors carry positions); the
triples are handed on as rdflib terms for pySHACL and owlrl.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox
from rdflib import BNode, Graph, Literal, URIRef

from cqkg.errors import InputMissingError, InputSyntaxError
from cqkg.build.literals import check_literals
from cqkg.formats import file_format
from cqkg.namespaces import XSD_STRING



@dataclass
class Inputs:
    """Everything the build reads, parsed.

    ``data`` holds the data quads (every one in a named graph); ``defined_in`` maps
    each subject IRI to the data files (relative paths) that describe it.
    """

    root: Path
    ontology: list[ox.Quad]
    shapes: list[ox.Quad]
    data: list[ox.Quad]
    files: list[Path] = field(default_factory=list)
    defined_in: dict[str, set[str]] = field(default_factory=dict)


def input_files(root: Path) -> list[Path]:
    """Return every file the build depends on, sorted: ontology, data and the source texts."""
    files = [root / "ontology" / "cqkg.ttl", root / "ontology" / "shapes.ttl"]
    files += sorted((root / "data").rglob("*.trig"))
    files += sorted((root / "sources").glob("*.txt"))
    missing = [str(f) for f in files if not f.exists()]
    if missing:
        raise InputMissingError(f"missing input: {', '.join(missing)}")
    not_files = [_relative(f, root) for f in files if not f.is_file()]
    if not_files:
        raise InputMissingError(f"{not_files[0]}: not a file")
    return files


def load_inputs(root: Path) -> Inputs:
    """Parse the ontology, shapes and data below ``root``.

    Raises InputSyntaxError (file:line:column: reason) for a malformed file, and for
    a data triple outside a named graph.
    """
    files = input_files(root)
    inputs = Inputs(root=root, ontology=parse_file(files[0], root), shapes=parse_file(files[1], root),
                    data=[], files=files)
    for path in files[2:]:
        if path.suffix != ".trig":
            continue
        rel = _relative(path, root)
        for quad in parse_file(path, root):
            if isinstance(quad.graph_name, ox.DefaultGraph):
                raise InputSyntaxError(f"{rel}: triple outside a named graph: {quad.subject} {quad.predicate} {quad.object}")
            inputs.data.append(quad)
            if isinstance(quad.subject, ox.NamedNode):
                inputs.defined_in.setdefault(quad.subject.value, set()).add(rel)
    return inputs


def parse_file(path: Path, root: Path | None = None) -> list[ox.Quad]:
    """Parse one RDF file (Turtle, TriG, N-Triples, N-Quads by extension) into quads.

    Raises InputSyntaxError with ``file:line:column: reason`` when it is malformed.
    """
    rel = _relative(path, root) if root else str(path)
    fmt = file_format(path)
    if fmt is None:
        raise InputSyntaxError(f"{rel}: unknown RDF file extension {path.suffix!r}")
    if not path.is_file():
        raise InputMissingError(f"{rel}: not a file")
    try:
        quads = list(ox.parse(path=str(path), format=fmt))
    except SyntaxError as error:
        raise InputSyntaxError(f"{rel}:{error.lineno or 0}:{error.offset or 0}: {_reason(error)}") from None
    except OSError as error:
        raise InputMissingError(f"{rel}: {error.strerror or error}") from None
    check_literals(quads, path, rel)
    return quads


def parse_text(text: str, fmt: ox.RdfFormat, name: str = "<string>") -> list[ox.Quad]:
    """Parse RDF text into quads; raises InputSyntaxError with ``name:line:column: reason``."""
    try:
        return list(ox.parse(text.encode("utf-8"), format=fmt))
    except SyntaxError as error:
        raise InputSyntaxError(f"{name}:{error.lineno or 0}:{error.offset or 0}: {_reason(error)}") from None


def to_rdflib(term):
    """Convert a pyoxigraph term to the equal rdflib term."""
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        return Literal(term.value, datatype=None if datatype == XSD_STRING else URIRef(datatype))
    raise TypeError(f"unsupported term {term!r}")


def to_oxigraph(term):
    """Convert an rdflib term to the equal pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise TypeError(f"unsupported term {term!r}")


def to_graph(quads) -> Graph:
    """Return an rdflib Graph of the triples of ``quads`` (graph names dropped)."""
    graph = Graph()
    for quad in quads:
        graph.add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
    return graph


def _reason(error: SyntaxError) -> str:
    """The parser's reason without its own position prefix."""
    message = error.msg or str(error)
    return re.sub(r"^Parser error (at|between) line \d+ column \d+( and line \d+ column \d+)?: ", "", message)


def _relative(path: Path, root: Path) -> str:
    try:
        return str(path.resolve().relative_to(root.resolve()))
    except ValueError:
        return str(path)
