"""A description written in an RDF format, asserted and inferred told apart.

Formats that carry named graphs (TriG, N-Quads, JSON-LD) write each statement in
every graph that states it: the sentence's graph, ``graph/curated``, a links graph,
the ontology, or ``graph/inferred`` for what only OWL 2 RL entails. Triple-only
formats write each triple once: Turtle and N-Triples in sections, one per origin
graph, each headed by a comment naming the graph (``# graph <…/graph/inferred>:
inferred by OWL 2 RL``); RDF/XML flat. Figures computed for the description (a
graph's size) are in the default graph. Output is sorted, so the same description
gives the same bytes.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph as ox

from cqkg.formats import GRAPH_FORMATS, media_type
from cqkg.linked_data.describe import Description, Statement, graph_order
from cqkg.namespaces import ASSERTED_GRAPH, GRAPH, INFERRED_GRAPH, LINKS_GRAPHS, ONTOLOGY_GRAPH, PREFIXES, RDFS_LABEL, XSD, shorten


@dataclass(frozen=True)
class RdfRepresentation:
    """An RDF format a description can be written in: suffix, media type, pyoxigraph format, graphs kept."""

    suffix: str
    media_type: str
    rdf_format: ox.RdfFormat
    keeps_graphs: bool


#: The graph formats cqkg offers, in their order; those that can carry named graphs keep them here
#: (JSON-LD included: a description needs them, unlike the dumps' default graph).
REPRESENTATIONS = tuple(RdfRepresentation(f.file_extension, media_type(f), f, f.supports_datasets) for f in GRAPH_FORMATS)
BY_MEDIA_TYPE = {r.media_type: r for r in REPRESENTATIONS}
SECTION_NOTES = {
    GRAPH + "curated": "curated: facts from beyond the source, each subject citing its authority (dcterms:source)",
    GRAPH + "source": "the source document, its sections and sentences",
    ONTOLOGY_GRAPH: "the ontology",
    ASSERTED_GRAPH: "derived by the build from the data (entity provenance)",
    INFERRED_GRAPH: "inferred by OWL 2 RL from the ontology and the data; stated by no graph",
}


def serialize(description: Description, representation: RdfRepresentation) -> bytes:
    """``description`` in ``representation``'s format (see the module docstring)."""
    statements = description.statements + description.content + description.incoming + description.context
    if representation.keeps_graphs:
        quads = {q for s in statements for q in s.quads()}
        quads |= {ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in description.figures}
        return _write(sorted(quads, key=_quad_key), representation.rdf_format)
    sections = _sections(statements, description)
    if representation.rdf_format == ox.RdfFormat.RDF_XML:
        return _write(sorted({t for _, triples in sections for t in triples}, key=_triple_key), representation.rdf_format)
    return b"".join(f"# {title}\n".encode("utf-8") + _write(triples, representation.rdf_format) + b"\n"
                    for title, triples in sections)


def _sections(statements: list[Statement], description: Description) -> list[tuple[str, list[ox.Triple]]]:
    """Each triple once, under its first origin graph; the graphs in their usual order, figures last."""
    seen: set[ox.Triple] = set()
    by_graph: dict[str, list[ox.Triple]] = {}
    for statement in statements:
        triple = ox.Triple(statement.subject, statement.predicate, statement.object)
        if triple not in seen:
            seen.add(triple)
            by_graph.setdefault(statement.graphs[0], []).append(triple)
    labels = {s.subject.value: s.object.value for s in description.context
              if s.predicate.value == RDFS_LABEL and getattr(s.object, "language", None) == "en"}
    sections = [(_title(graph, labels), sorted(triples, key=_triple_key))
                for graph, triples in sorted(by_graph.items(), key=lambda item: graph_order(item[0]))]
    if description.figures:
        sections.append(("computed for this description from the build", sorted(description.figures, key=_triple_key)))
    return sections


def _title(graph: str, labels: dict[str, str]) -> str:
    note = SECTION_NOTES.get(graph) or labels.get(graph) or (
        "links to an external registry" if graph.startswith(LINKS_GRAPHS) else "")
    return f"graph <{graph}>" + (f": {note}" if note else "")


def _write(items, rdf_format: ox.RdfFormat) -> bytes:
    return ox.serialize(items, format=rdf_format, prefixes=_used_prefixes(items))


def _used_prefixes(items) -> dict[str, str]:
    """The prefixes of PREFIXES that name an IRI of ``items`` (pyoxigraph would declare every one given)."""
    iris, typed = set(), False
    for item in items:
        for node in (item.subject, item.predicate, item.object, getattr(item, "graph_name", None)):
            if isinstance(node, ox.NamedNode):
                iris.add(node.value)
            elif isinstance(node, ox.Literal) and node.datatype.value.startswith(XSD):
                typed = True
    used = {prefix for prefix in map(_prefix, iris) if prefix} | ({"xsd"} if typed else set())
    return {prefix: PREFIXES[prefix] for prefix in sorted(used)}


@lru_cache(maxsize=16384)
def _prefix(iri: str) -> str | None:
    """The prefix of PREFIXES that ``iri`` is written with, if any (kept: shortening an IRI of no namespace scans them all)."""
    name = shorten(iri)
    return name.split(":", 1)[0] if name else None


def _triple_key(triple: ox.Triple) -> tuple[str, str, str]:
    return (str(triple.subject), str(triple.predicate), str(triple.object))


def _quad_key(quad: ox.Quad) -> tuple[str, str, str, str]:
    return (str(quad.graph_name), str(quad.subject), str(quad.predicate), str(quad.object))
