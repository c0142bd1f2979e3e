"""Which IRIs the graph mints and what each one is: the ontology, a term, a graph, a sentence, an entity.

The server answers every IRI under ``BASE`` at the same path below its root:
``https://w3id.org/cqkg/id/org/cigit`` is ``/id/org/cigit``. An IRI exists when the
built dataset mentions it: as a subject, an object or a graph name.
"""

from __future__ import annotations

from enum import Enum
from functools import lru_cache

import pyoxigraph as ox

from cqkg.namespaces import BASE, DEF, GRAPH, ONTOLOGY, is_entity, is_sentence_graph


class Kind(str, Enum):
    """What an IRI under BASE names; pages and descriptions differ by kind."""

    ONTOLOGY = "ontology"
    TERM = "term"
    GRAPH = "graph"
    SENTENCE = "sentence"
    ENTITY = "entity"
    OTHER = "other"


@lru_cache(maxsize=65536)
def kind_of(iri: str) -> Kind:
    """The kind of ``iri`` from its form alone (whether it exists is ``exists``)."""
    if iri == ONTOLOGY:
        return Kind.ONTOLOGY
    if iri.startswith(DEF):
        return Kind.TERM
    if iri.startswith(GRAPH):
        return Kind.GRAPH
    if is_sentence_graph(iri):
        return Kind.SENTENCE
    if is_entity(iri):
        return Kind.ENTITY
    return Kind.OTHER


def iri_for_path(path: str) -> str:
    """The IRI a server path names: ``/id/org/cigit`` → ``https://w3id.org/cqkg/id/org/cigit``."""
    return BASE + path.lstrip("/")


def local_path(iri: str) -> str | None:
    """The server path of an IRI under BASE (``/id/org/cigit``), or None for any other IRI."""
    return "/" + iri[len(BASE):] if iri.startswith(BASE) else None


def exists(store: ox.Store, iri: str) -> bool:
    """True if the built dataset mentions ``iri`` as a subject, an object or a graph name."""
    try:
        node = ox.NamedNode(iri)
    except ValueError:
        return False
    return (_any(store.quads_for_pattern(node, None, None, None))
            or _any(store.quads_for_pattern(None, None, node, None))
            or store.contains_named_graph(node))


def _any(quads) -> bool:
    return next(iter(quads), None) is not None
