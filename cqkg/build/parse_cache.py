"""Each input file parsed once per content: what a build needs of it, kept in ``build/cache/`` by content hash.

A build hashes every input once (``digests``), then ``parse_inputs`` reads each
file's entry from the cache, or parses the file (``cqkg.build.load.parse_file``:
syntax and literal errors at file:line:column; a data triple outside a named
graph is an error) and writes the entry: the file's quads as N-Quads, its triples
as N-Triples (both in pyoxigraph's canonical form, and loaded later without Python
objects) and its facts
(subjects, graph names, declared sentences, entity → sentence provenance) as JSON.
An entry is written file by file through a temporary name, the JSON last, so an
entry whose JSON exists is complete: a build killed while writing one leaves at
most stray temporary files, which the next build's ``prune`` removes.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from cqkg import __version__
from cqkg.build.load import parse_file
from cqkg.build.provenance import RDF_TYPE, SENTENCE, entity_provenance
from cqkg.errors import InputSyntaxError

CACHE = "cache"


@dataclass(frozen=True)
class Parsed:
    """One input file, parsed: where its quads and triples are, and its facts."""

    rel: str
    kind: str  # "ontology", "shapes" or "data"
    quads_path: Path
    triples_path: Path
    facts: dict
    reused: bool = False  # read from the cache rather than parsed

    def quads(self) -> list[ox.Quad]:
        """The file's quads, read back from the cache."""
        return list(ox.parse(path=str(self.quads_path), format=ox.RdfFormat.N_QUADS))


def digests(root: Path, files: list[Path]) -> dict[str, str]:
    """SHA-256 of every input file's content, by path relative to ``root``."""
    return {str(path.relative_to(root)): hashlib.sha256(path.read_bytes()).hexdigest() for path in files}


def parse_inputs(root: Path, files: list[Path], hashes: dict[str, str], cache: Path, step=None,
                 refresh: bool = False) -> list[Parsed]:
    """Parse the RDF inputs (ontology, shapes, data), each from the cache when its content was seen before.

    ``step`` (a ``cqkg.build.progress.Step``) advances by one per file; ``refresh``
    parses every file again. Raises InputSyntaxError for a malformed file.
    """
    cache.mkdir(parents=True, exist_ok=True)
    parsed = []
    for index, path in enumerate(files):
        kind = "ontology" if index == 0 else "shapes" if index == 1 else "data" if path.suffix == ".trig" else None
        if kind is not None:
            rel = str(path.relative_to(root))
            parsed.append(_entry(root, path, rel, kind, _key(kind, path.suffix, hashes[rel]), cache, refresh))
        if step is not None:
            step.advance()
    return parsed


def prune(cache: Path, keep: list[Parsed]) -> None:
    """Remove every cache file that is not part of an entry in ``keep``."""
    wanted = {p.quads_path.name for p in keep} | {p.triples_path.name for p in keep}
    wanted |= {p.quads_path.with_suffix(".json").name for p in keep}
    for path in cache.iterdir():
        if path.name not in wanted:
            path.unlink(missing_ok=True)


def _key(kind: str, suffix: str, digest: str) -> str:
    """The cache key: what was parsed (kind, format, content) and by which version of cqkg."""
    return hashlib.sha256(f"{__version__}\0{kind}\0{suffix}\0{digest}".encode()).hexdigest()


def _entry(root: Path, path: Path, rel: str, kind: str, key: str, cache: Path, refresh: bool) -> Parsed:
    quads_path, triples_path, facts_path = (cache / f"{key}.{ext}" for ext in ("nq", "nt", "json"))
    try:
        facts = json.loads(facts_path.read_text(encoding="utf-8"))
        if quads_path.is_file() and triples_path.is_file() and not refresh:
            return Parsed(rel, kind, quads_path, triples_path, facts, reused=True)
    except (OSError, ValueError):
        pass  # absent or damaged: parse again
    quads = parse_file(path, root)
    if kind == "data":
        outside = next((q for q in quads if isinstance(q.graph_name, ox.DefaultGraph)), None)
        if outside is not None:
            raise InputSyntaxError(f"{rel}: triple outside a named graph: "
                                   f"{outside.subject} {outside.predicate} {outside.object}")
    # Through a store, as the built store will hold them: pyoxigraph keeps numbers and
    # dates in canonical form ("2.40"^^xsd:decimal is "2.4"), so dataset.nq and store/ agree.
    canonical = ox.Store()
    canonical.bulk_extend(quads)
    _write_atomically(quads_path, canonical.dump(format=ox.RdfFormat.N_QUADS))
    triples = canonical.query("CONSTRUCT { ?s ?p ?o } WHERE { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }")
    _write_atomically(triples_path, triples.serialize(format=ox.RdfFormat.N_TRIPLES))
    facts = _facts(quads) if kind == "data" else {}
    _write_atomically(facts_path, json.dumps(facts, sort_keys=True).encode("utf-8"))
    return Parsed(rel, kind, quads_path, triples_path, facts)


def _facts(quads: list[ox.Quad]) -> dict:
    """What the build needs of a data file besides its triples."""
    return {
        "subjects": sorted({q.subject.value for q in quads if isinstance(q.subject, ox.NamedNode)}),
        "graphs": sorted({q.graph_name.value for q in quads}),
        "sentences": sorted({q.subject.value for q in quads if q.predicate == RDF_TYPE and q.object == SENTENCE}),
        "provenance": [[t.subject.value, t.object.value] for t in entity_provenance(quads)],
    }


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    os.replace(temporary, path)
