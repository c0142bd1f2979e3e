"""The built dataset: one in-memory store shared by validation and reasoning, then the staged outputs.

``working_store`` loads the parsed inputs (``cqkg.build.parse_cache``) into an
in-memory pyoxigraph store without Python objects per triple: ``graph/ontology``,
``graph/asserted`` (the data's triples and the derived entity provenance) and, as
the data graph of validation and reasoning, their union in the default graph. After
reasoning, ``stage`` writes ``dataset.nq.new`` (that store's quads and the data's
own graphs, straight from the cache, as sorted N-Quads) and loads it into a fresh
on-disk store, ``store.new/``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox

from cqkg.build import folder as buildfolder
from cqkg.build.manifest import DEFAULT_GRAPH_KEY
from cqkg.build.parse_cache import Parsed
from cqkg.build.provenance import PROV_DERIVED
from cqkg.errors import CqkgError
from cqkg.namespaces import ASSERTED_GRAPH, INFERRED_GRAPH, ONTOLOGY_GRAPH

NT, NQ = ox.RdfFormat.N_TRIPLES, ox.RdfFormat.N_QUADS
COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
DEFAULT_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"


def working_store(parsed: list[Parsed]) -> ox.Store:
    """The store of the stated: graph/ontology, graph/asserted and their union in the default graph."""
    store = ox.Store()
    ontology = next(p for p in parsed if p.kind == "ontology").triples_path.read_bytes()
    asserted = b"".join(p.triples_path.read_bytes() for p in parsed if p.kind == "data")
    asserted += ox.serialize(provenance(parsed), format=NT)
    for graph, triples in ((ONTOLOGY_GRAPH, ontology), (ASSERTED_GRAPH, asserted)):
        store.bulk_load(input=triples, format=NT, to_graph=ox.NamedNode(graph))
        store.bulk_load(input=triples, format=NT, to_graph=ox.DefaultGraph())
    return store


def provenance(parsed: list[Parsed]) -> list[ox.Triple]:
    """``entity prov:wasDerivedFrom sentence`` for every entity a sentence graph describes, sorted."""
    pairs = sorted({tuple(pair) for p in parsed for pair in p.facts.get("provenance", ())})
    return [ox.Triple(ox.NamedNode(entity), PROV_DERIVED, ox.NamedNode(sentence)) for entity, sentence in pairs]


def defined_in(parsed: list[Parsed]) -> dict[str, set[str]]:
    """The data files (relative paths) that describe each subject IRI."""
    files: dict[str, set[str]] = {}
    for p in parsed:
        for subject in p.facts.get("subjects", ()):
            files.setdefault(subject, set()).add(p.rel)
    return files


def add_inferred(store: ox.Store, inferred: list[ox.Triple]) -> None:
    """Put the inferred triples in graph/inferred (the default graph already holds them)."""
    name = ox.NamedNode(INFERRED_GRAPH)
    store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object, name) for t in inferred)


def stage(build_dir: Path, store: ox.Store, parsed: list[Parsed], step=None) -> dict[str, int]:
    """Write dataset.nq.new and store.new/ (see the module docstring); return the quads per graph."""
    dataset_new, store_new = buildfolder.staging_paths(build_dir)
    unsorted = dataset_new.with_name(dataset_new.name + ".unsorted")
    with open(unsorted, "wb") as out:
        store.dump(out, format=NQ)
        for p in parsed:
            if p.kind == "data":
                with open(p.quads_path, "rb") as quads:
                    shutil.copyfileobj(quads, out)
    _sort_unique(unsorted, dataset_new)
    unsorted.unlink()
    if step is not None:
        step.advance()
    shutil.rmtree(store_new, ignore_errors=True)
    fresh = ox.Store(str(store_new))
    fresh.bulk_load(path=str(dataset_new), format=NQ)
    fresh.flush()
    fresh.optimize()
    counts = {row["g"].value: int(row["n"].value) for row in fresh.query(COUNTS)}
    counts[DEFAULT_GRAPH_KEY] = int(next(iter(fresh.query(DEFAULT_COUNT)))["n"].value)
    del fresh
    if step is not None:
        step.advance()
    return dict(sorted(counts.items()))


def _sort_unique(source: Path, target: Path) -> None:
    """Sort the lines of ``source`` bytewise into ``target``, without repeats (coreutils sort: external, bounded memory)."""
    command = ["sort", "-u", "-T", str(source.parent), "-o", str(target), str(source)]
    try:
        subprocess.run(command, env={**os.environ, "LC_ALL": "C"}, check=True, capture_output=True)
    except FileNotFoundError:
        raise CqkgError("the build needs the sort command (coreutils)") from None
    except subprocess.CalledProcessError as error:
        raise CqkgError(f"sorting the dataset failed: {error.stderr.decode(errors='replace').strip()}") from None
