"""Read an RDF file (N-Triples or Turtle, optionally compressed) as records, in two streaming passes.

Triples of one subject need not be together, so the first pass keeps only the
names of subjects; the matcher picks candidates among them; the second pass
collects types, places and founding years for the candidates only (``enrich``).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyoxigraph as ox

from cqkg.link.records import Record, open_binary
from cqkg.namespaces import DEF, RDF_TYPE, RDFS_LABEL, SKOS, schema_terms

WIKIDATA_PROPERTY = "http://www.wikidata.org/prop/direct/"
NAME_PREDICATES = {RDFS_LABEL, SKOS + "prefLabel", SKOS + "altLabel", *schema_terms("name")}
TYPE = RDF_TYPE
PLACE_PREDICATES = {WIKIDATA_PROPERTY + "P131", DEF + "locatedIn", *schema_terms("location")}
FOUNDED_PREDICATES = {WIKIDATA_PROPERTY + "P571", *schema_terms("foundingDate")}


def _format(path: Path):
    name = path.name.removesuffix(".gz").removesuffix(".bz2")
    return ox.RdfFormat.TURTLE if name.endswith(".ttl") else ox.RdfFormat.N_TRIPLES


def read(path: Path) -> Iterator[Record]:
    """First pass: yield one Record per single name triple (subject, name, language)."""
    path = Path(path)
    with open_binary(path) as stream:
        for triple in ox.parse(stream, format=_format(path)):
            if triple.predicate.value in NAME_PREDICATES and isinstance(triple.object, ox.Literal):
                record = Record("rdf", str(triple.subject.value))
                record.names.append((triple.object.value, triple.object.language or ""))
                yield record


def enrich(path: Path, records: dict[str, Record], kind_of_class: dict[str, str]) -> None:
    """Second pass: add types (as kinds), places and founding years to the ``records`` by IRI."""
    path = Path(path)
    with open_binary(path) as stream:
        for triple in ox.parse(stream, format=_format(path)):
            record = records.get(triple.subject.value)
            if record is None:
                continue
            predicate = triple.predicate.value
            if predicate == TYPE:
                record.kinds.add(kind_of_class.get(triple.object.value, "other"))
            elif predicate in PLACE_PREDICATES:
                record.places.add(triple.object.value)
            elif predicate in FOUNDED_PREDICATES and triple.object.value[:4].isdigit():
                record.founded = int(triple.object.value[:4])
