"""The built dataset: one in-memory store shared by validation and reasoning, then the staged outputs.

``working_store`` loads the parsed inputs (``cqkg.build.parse_cache``) into an
in-memory pyoxigraph store without Python objects per triple: ``graph/ontology``,
``graph/asserted`` (the data's triples and the derived entity provenance) and, as
the data graph of validation and reasoning, their union in the default graph. After
reasoning, ``stage`` writes ``dataset.nq.new`` (that store's quads and the data's
own graphs, straight from the cache, as sorted N-Quads) and ``store.new/``: a fresh
on-disk store loaded from it, or, after a small edit, a copy of the previous store
with the difference applied.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pyoxigraph as ox

from cqkg.build import folder as buildfolder
from cqkg.build.manifest import DATASET, DEFAULT_GRAPH_KEY, STORE
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


def stage(build_dir: Path, store: ox.Store, parsed: list[Parsed], previous: bool = False, step=None) -> dict[str, int]:
    """Write dataset.nq.new and store.new/ (see the module docstring); return the quads per graph.

    ``previous``: the build folder holds an intact build made by this pipeline, so
    store.new/ can be a copy of its store with the difference applied (``_update``).
    """
    dataset_new, store_new = buildfolder.staging_paths(build_dir)
    unsorted = dataset_new.with_name(dataset_new.name + ".unsorted")
    with open(unsorted, "wb") as out:
        store.dump(out, format=NQ)
        for p in parsed:
            if p.kind == "data":
                with open(p.quads_path, "rb") as quads:
                    shutil.copyfileobj(quads, out)
    _sorted(["sort", "-u", "-T", str(build_dir), "-o", str(dataset_new), str(unsorted)])
    unsorted.unlink()
    if step is not None:
        step.advance()
    shutil.rmtree(store_new, ignore_errors=True)
    if not (previous and _update(build_dir, dataset_new, store_new)):
        shutil.rmtree(store_new, ignore_errors=True)
        fresh = ox.Store(str(store_new))
        fresh.bulk_load(path=str(dataset_new), format=NQ)
        fresh.flush()
        fresh.optimize()
        del fresh
    built = ox.Store.read_only(str(store_new))
    counts = {row["g"].value: int(row["n"].value) for row in built.query(COUNTS)}
    counts[DEFAULT_GRAPH_KEY] = int(next(iter(built.query(DEFAULT_COUNT)))["n"].value)
    del built
    if step is not None:
        step.advance()
    return dict(sorted(counts.items()))


def _update(build_dir: Path, dataset_new: Path, store_new: Path) -> bool:
    """Make store.new/ a copy of the built store (a RocksDB checkpoint: hard links) with the difference applied.

    The difference is read from the two sorted dumps: both are pyoxigraph's canonical
    N-Quads, one quad per line, so two quads are equal exactly when their lines are.
    Quads are removed before others are added. Returns False (nothing done) when
    more than a fifth of the quads changed: a fresh load is then as fast.
    """
    previous = build_dir / DATASET
    removed = _sorted(["comm", "-23", str(previous), str(dataset_new)])
    added = _sorted(["comm", "-13", str(previous), str(dataset_new)])
    if (len(removed) + len(added)) * 5 > dataset_new.stat().st_size:
        return False
    ox.Store.read_only(str(build_dir / STORE)).backup(str(store_new))
    target = ox.Store(str(store_new))
    for quad in ox.parse(removed, format=NQ):
        target.remove(quad)
    target.extend(ox.parse(added, format=NQ))
    target.flush()
    target.optimize()
    del target
    return True


def _sorted(command: list[str]) -> bytes:
    """Run coreutils ``sort`` or ``comm`` bytewise (LC_ALL=C; external, bounded memory); return its output."""
    try:
        result = subprocess.run(command, env={**os.environ, "LC_ALL": "C"}, check=True, capture_output=True)
    except FileNotFoundError:
        raise CqkgError(f"the build needs the {command[0]} command (coreutils)") from None
    except subprocess.CalledProcessError as error:
        raise CqkgError(f"{command[0]} failed: {error.stderr.decode(errors='replace').strip()}") from None
    return result.stdout
