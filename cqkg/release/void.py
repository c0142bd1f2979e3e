"""The VoID and DCAT description of a release (``dist/void.ttl``).

It states what the release is (the data set's own metadata from
data/dataset.trig: title, version, issued date, licence, publisher, citation),
what it holds (triples per graph, entities per class, link sets per external
registry) and where to get it (the SPARQL endpoint and, for every dump file, its
media type, byte size and SHA-256). Every node is an IRI and the output is sorted,
so the file is byte-identical for the same release.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyoxigraph as ox

from cqkg.namespaces import (BASE, DCAT, GRAPH, ID, OWL_SAME_AS, PREFIXES, RDF_TYPE, REGISTRIES, SD, SKOS_CLOSE_MATCH,
                             SKOS_EXACT_MATCH, VOID, XSD, shorten)

DATASET = ID + "dataset/cqkg"
SPDX = "http://spdx.org/rdf/terms#"
ENDPOINT = BASE + "sparql"
DOWNLOADS = BASE + "dumps/"
LINK_PREDICATES = (OWL_SAME_AS, SKOS_EXACT_MATCH, SKOS_CLOSE_MATCH)
MEDIA_TYPE_IRIS = "https://www.iana.org/assignments/media-types/"


def void_description(quads: list[ox.Quad], dumps: list[tuple[Path, str]]) -> bytes:
    """Turtle describing the release: ``quads`` is the whole dataset, ``dumps`` (path, media type) its files."""
    store = ox.Store()
    store.extend(quads)
    triples = _own_metadata(store)
    triples += _graph_subsets(quads)
    triples += _class_partitions(store)
    triples += _link_sets(store)
    triples += _distributions(dumps)
    dataset = ox.NamedNode(DATASET)
    union = len({(q.subject, q.predicate, q.object) for q in quads
                 if isinstance(q.graph_name, ox.NamedNode)
                 and q.graph_name.value in (GRAPH + "ontology", GRAPH + "asserted", GRAPH + "inferred")})
    triples += [
        ox.Triple(dataset, _v("triples"), _int(union)),
        ox.Triple(dataset, _v("sparqlEndpoint"), ox.NamedNode(ENDPOINT)),
        ox.Triple(dataset, _v("rootResource"), ox.NamedNode(ID + "place/chongqing")),
    ]
    prefixes = {"spdx": SPDX, **PREFIXES}
    return ox.serialize(sorted(set(triples), key=str), format=ox.RdfFormat.TURTLE, prefixes=prefixes)


def _own_metadata(store: ox.Store) -> list[ox.Triple]:
    """The data set's own description, as data/dataset.trig states it."""
    return [ox.Triple(ox.NamedNode(DATASET), q.predicate, q.object)
            for q in store.quads_for_pattern(ox.NamedNode(DATASET), None, None, ox.NamedNode(GRAPH + "curated"))]


def _graph_subsets(quads: list[ox.Quad]) -> list[ox.Triple]:
    counts: dict[str, int] = {}
    for quad in quads:
        if isinstance(quad.graph_name, ox.NamedNode):
            counts[quad.graph_name.value] = counts.get(quad.graph_name.value, 0) + 1
    triples = []
    for graph, count in counts.items():
        node = ox.NamedNode(f"{DATASET}-graph-{_slug(graph)}")
        triples += [ox.Triple(ox.NamedNode(DATASET), _v("subset"), node),
                    ox.Triple(node, ox.NamedNode(RDF_TYPE), ox.NamedNode(SD + "NamedGraph")),
                    ox.Triple(node, ox.NamedNode(SD + "name"), ox.NamedNode(graph)),
                    ox.Triple(node, _v("triples"), _int(count))]
    return triples


def _class_partitions(store: ox.Store) -> list[ox.Triple]:
    rows = store.query(f"""
        SELECT ?class (COUNT(DISTINCT ?e) AS ?n) WHERE {{
            GRAPH <{GRAPH}asserted> {{ ?e a ?class }} FILTER(STRSTARTS(STR(?e), "{ID}"))
        }} GROUP BY ?class""")
    triples = []
    for row in rows:
        node = ox.NamedNode(f"{DATASET}-class-{_class_slug(row['class'].value)}")
        triples += [ox.Triple(ox.NamedNode(DATASET), _v("classPartition"), node),
                    ox.Triple(node, _v("class"), row["class"]), ox.Triple(node, _v("entities"), row["n"])]
    return triples


def _link_sets(store: ox.Store) -> list[ox.Triple]:
    triples = []
    for name, (prefix, registry) in REGISTRIES.items():
        for predicate in LINK_PREDICATES:
            [row] = list(store.query(f"""
                SELECT (COUNT(*) AS ?n) WHERE {{
                    GRAPH <{GRAPH}asserted> {{ ?s <{predicate}> ?o }} FILTER(STRSTARTS(STR(?o), "{prefix}")) }}"""))
            if int(row["n"].value) == 0:
                continue
            node = ox.NamedNode(f"{DATASET}-links-{name}-{predicate.rsplit('#', 1)[1].lower()}")
            triples += [ox.Triple(ox.NamedNode(DATASET), _v("subset"), node),
                        ox.Triple(node, ox.NamedNode(RDF_TYPE), _v("Linkset")),
                        ox.Triple(node, _v("subjectsTarget"), ox.NamedNode(DATASET)),
                        ox.Triple(node, _v("objectsTarget"), ox.NamedNode(registry)),
                        ox.Triple(node, _v("linkPredicate"), ox.NamedNode(predicate)),
                        ox.Triple(node, _v("triples"), row["n"])]
    return triples


def _distributions(dumps: list[tuple[Path, str]]) -> list[ox.Triple]:
    triples = []
    for path, media_type in dumps:
        data = path.read_bytes()
        node = ox.NamedNode(f"{DATASET}-dump-{_slug(path.name)}")
        checksum = ox.NamedNode(f"{DATASET}-dump-{_slug(path.name)}-sha256")
        url = ox.NamedNode(DOWNLOADS + path.name)
        triples += [
            ox.Triple(ox.NamedNode(DATASET), ox.NamedNode(DCAT + "distribution"), node),
            ox.Triple(ox.NamedNode(DATASET), _v("dataDump"), url),
            ox.Triple(node, ox.NamedNode(RDF_TYPE), ox.NamedNode(DCAT + "Distribution")),
            ox.Triple(node, ox.NamedNode(DCAT + "downloadURL"), url),
            ox.Triple(node, ox.NamedNode(DCAT + "mediaType"), ox.NamedNode(MEDIA_TYPE_IRIS + media_type)),
            ox.Triple(node, ox.NamedNode(DCAT + "byteSize"), ox.Literal(str(len(data)), datatype=ox.NamedNode(XSD + "nonNegativeInteger"))),
            ox.Triple(node, ox.NamedNode(SPDX + "checksum"), checksum),
            ox.Triple(checksum, ox.NamedNode(SPDX + "algorithm"), ox.NamedNode(SPDX + "checksumAlgorithm_sha256")),
            ox.Triple(checksum, ox.NamedNode(SPDX + "checksumValue"),
                      ox.Literal(hashlib.sha256(data).hexdigest(), datatype=ox.NamedNode(XSD + "hexBinary"))),
        ]
        if path.name.endswith(".gz"):
            triples.append(ox.Triple(node, ox.NamedNode(DCAT + "compressFormat"), ox.NamedNode(MEDIA_TYPE_IRIS + "application/gzip")))
    return triples


def _v(term: str) -> ox.NamedNode:
    return ox.NamedNode(VOID + term)


def _int(value: int) -> ox.Literal:
    return ox.Literal(str(value), datatype=ox.NamedNode(XSD + "integer"))


def _class_slug(iri: str) -> str:
    """prefix-local for a class IRI (``cq-district``, ``dcat-dataset``), so classes of two vocabularies never collide."""
    short = shorten(iri)
    return _slug(short.replace(":", "-", 1) if short else iri)


def _slug(iri_or_name: str) -> str:
    """A readable ASCII slug for a graph IRI, class IRI or file name."""
    text = iri_or_name
    for prefix in (GRAPH, ID + "source/", ID):
        if text.startswith(prefix):
            text = text[len(prefix):]
            break
    else:
        text = text.rstrip("/#").rsplit("/", 1)[-1].rsplit("#", 1)[-1]
    return "".join(c if c.isalnum() else "-" for c in text.lower()).strip("-")
