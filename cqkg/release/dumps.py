"""Dumps of the built dataset in every RDF format, byte-identical for the same input.

``export`` writes, to the release folder (default ``dist/``):

- ``cqkg-<selection>.{nq,trig}``: quads, keeping the named graphs;
- ``cqkg-<selection>.{ttl,nt,jsonld,rdf}``: triples of the selection's default
  graph (the union of ontology, asserted and inferred, as the endpoint queries);
- optionally each of them gzip-compressed (no timestamp, so the bytes are stable);
- ``context.jsonld``: the JSON-LD context the JSON-LD dump uses (and includes, so
  it reads without fetching anything).

Selections: ``all`` (every graph), ``asserted`` (everything but the inferred graph)
and ``inferred`` (the inferred graph only). Quads are written sorted; the dataset
has no blank nodes (a test checks), so no skolemisation is needed.
"""

from __future__ import annotations

import gzip
import json
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from cqkg.build.manifest import STORE
from cqkg.errors import CqkgError
from cqkg.formats import GRAPH_FORMATS, QUAD_FORMATS, media_type
from cqkg.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH, PREFIXES

SELECTIONS = ("all", "asserted", "inferred")


@dataclass(frozen=True)
class DumpFormat:
    """A dump format: pyoxigraph's format (media type, extension) and whether the file keeps graphs."""

    rdf_format: ox.RdfFormat

    @property
    def extension(self) -> str:
        """The file extension, without the dot."""
        return self.rdf_format.file_extension

    @property
    def media_type(self) -> str:
        """The media type of the file."""
        return media_type(self.rdf_format)

    @property
    def quads(self) -> bool:
        """True if the file keeps the named graphs (N-Quads, TriG)."""
        return self.rdf_format in QUAD_FORMATS


#: The dumps in release order: quads first, then the triple formats of the default graph.
FORMATS = tuple(DumpFormat(f) for f in QUAD_FORMATS + tuple(f for f in GRAPH_FORMATS if f not in QUAD_FORMATS))
FORMATS_BY_EXTENSION = {f.extension: f for f in FORMATS}
CONTEXT_FILE = "context.jsonld"


def dataset_quads(build_dir: Path) -> list[ox.Quad]:
    """Every quad of the built dataset, sorted by graph, then subject, predicate and object."""
    path = Path(build_dir) / STORE
    if not path.is_dir():
        raise CqkgError(f"no built dataset in {build_dir}: run `cqkg build` first")
    store = ox.Store.read_only(str(path))
    return sorted(store.quads_for_pattern(None, None, None, None), key=_sort_key)


def select(quads: list[ox.Quad], selection: str) -> list[ox.Quad]:
    """The quads of ``selection`` ("all", "asserted" or "inferred").

    Only ``all`` keeps the stored default graph (the union with the inferred triples):
    loading that dump into any store reproduces cqkg's default graph and named graphs.
    """
    if selection == "all":
        return quads
    named = [q for q in quads if isinstance(q.graph_name, ox.NamedNode)]
    if selection == "inferred":
        return [q for q in named if q.graph_name.value == INFERRED_GRAPH]
    if selection == "asserted":
        return [q for q in named if q.graph_name.value != INFERRED_GRAPH]
    raise CqkgError(f"unknown selection {selection!r}; expected one of {', '.join(SELECTIONS)}")


def default_graph_triples(quads: list[ox.Quad]) -> list[ox.Triple]:
    """The distinct triples of the ontology, asserted and inferred graphs among ``quads``, sorted."""
    union = {ONTOLOGY_GRAPH, ASSERTED_GRAPH, INFERRED_GRAPH}
    triples = {ox.Triple(q.subject, q.predicate, q.object) for q in quads
               if isinstance(q.graph_name, ox.NamedNode) and q.graph_name.value in union}
    return sorted(triples, key=_sort_key)


def serialize(quads: list[ox.Quad], fmt: DumpFormat) -> bytes:
    """The bytes of ``quads`` in ``fmt`` (for triple formats: their default-graph triples)."""
    items = quads if fmt.quads else default_graph_triples(quads)
    if fmt.rdf_format == ox.RdfFormat.JSON_LD:
        return _compact_json_ld(json.loads(ox.serialize(items, format=fmt.rdf_format)))
    if fmt.rdf_format in (ox.RdfFormat.N_QUADS, ox.RdfFormat.N_TRIPLES):
        return ox.serialize(items, format=fmt.rdf_format)
    return ox.serialize(items, format=fmt.rdf_format, prefixes=PREFIXES)


def _compact_json_ld(expanded: list) -> bytes:
    """Expanded JSON-LD made readable: IRIs written as prefix:local under the published context.

    The context (the same as context.jsonld) is included, so the file stands alone.
    Hand-written rather than pyld's ``jsonld.compact``: measured on the shipped default
    graph (7,571 triples), pyld 3.3 took 0.96 s against 0.13 s here, and the cost grows
    with the release; tests/test_release.py reads the file back to the same triples.
    """
    namespaces = sorted(PREFIXES.items(), key=lambda item: -len(item[1]))

    def compact(iri: str) -> str:
        for prefix, namespace in namespaces:
            if iri.startswith(namespace):
                return f"{prefix}:{iri[len(namespace):]}"
        return iri

    def walk(node):
        if isinstance(node, list):
            return [walk(item) for item in node]
        if isinstance(node, dict):
            out = {}
            for key, value in node.items():
                if key in ("@id", "@type") and isinstance(value, str):
                    out[key] = compact(value)
                else:
                    out[key if key.startswith("@") else compact(key)] = walk(value)
            return out
        return node

    document = {"@context": PREFIXES, "@graph": walk(expanded)}
    return (json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n").encode("utf-8")


def export(build_dir: Path, out_dir: Path, selections=("all",), extensions=None, compress: bool = False,
           log=lambda message: None, quads: list[ox.Quad] | None = None) -> list[Path]:
    """Write the dumps of ``selections`` in the formats ``extensions`` (default: all) to ``out_dir``.

    ``quads`` are the dataset's, if the caller already read them. Returns the paths
    written, in order. ``log`` receives one line per file.
    """
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    quads = quads if quads is not None else dataset_quads(build_dir)
    formats = [FORMATS_BY_EXTENSION[e] for e in extensions] if extensions else list(FORMATS)
    written = [_write(out_dir / CONTEXT_FILE, _context(), log)]
    for selection in selections:
        chosen = select(quads, selection)
        for fmt in formats:
            started = time.perf_counter()
            data = serialize(chosen, fmt)
            path = out_dir / f"cqkg-{selection}.{fmt.extension}"
            written.append(_write(path, data, log, started))
            if compress:
                written.append(_write(path.with_name(path.name + ".gz"), gzip.compress(data, 9, mtime=0), log, started))
    return written


def _context() -> bytes:
    """The JSON-LD context: cqkg's prefixes, so compact IRIs in the JSON-LD dump can be expanded."""
    return (json.dumps({"@context": PREFIXES}, indent=2, sort_keys=True) + "\n").encode("utf-8")


def _write(path: Path, data: bytes, log, started: float | None = None) -> Path:
    path.write_bytes(data)
    elapsed = f", {time.perf_counter() - started:.2f} s" if started else ""
    log(f"wrote {path} ({len(data):,} bytes{elapsed})")
    return path


def _sort_key(item) -> tuple[str, ...]:
    """Quads by graph, then subject, predicate, object; triples by subject, predicate, object."""
    if isinstance(item, ox.Quad):
        return (str(item.graph_name), str(item.subject), str(item.predicate), str(item.object))
    return (str(item.subject), str(item.predicate), str(item.object))
