"""The build pipeline: load → check provenance → validate → reason → write the dataset.

``build`` produces, in the build folder:

- ``dataset.nq``: every quad of the built dataset as sorted N-Quads;
- ``store/``: the same dataset in an embedded pyoxigraph store, which the query
  engine and the server open read-only;
- ``manifest.json``: the fingerprint of the inputs, the counts per graph and the
  timings. A build whose inputs' fingerprint matches the manifest is skipped.

Named graphs: ``graph/ontology``, ``graph/asserted`` (all data plus derived
entity provenance), ``graph/inferred`` (OWL 2 RL), and, as they are in data/,
``graph/curated``, ``graph/source``, ``graph/links/*`` and one graph per source
sentence (named by the sentence's IRI).
"""

from __future__ import annotations

import hashlib
import shutil
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from cqkg import __version__
from cqkg.build import folder as buildfolder
from cqkg.build.manifest import DEFAULT_GRAPH_KEY, read_manifest
from cqkg.errors import ValidationFailed
from cqkg.build.load import Inputs, input_files, load_inputs, to_graph, to_oxigraph, to_rdflib
from cqkg.namespaces import ASSERTED_GRAPH, DEFAULT_UNION, INFERRED_GRAPH, ONTOLOGY_GRAPH
from cqkg.build.provenance import check_graph_names, entity_provenance
from cqkg.build.reason import inferred_triples
from cqkg.build.report import write_report
from cqkg.build.validate import Report, validate



@dataclass
class BuildResult:
    """What a build did: whether it was cached, its manifest, and the validation report (if run)."""

    cached: bool
    manifest: dict
    report: Report | None = None


def fingerprint(root: Path) -> str:
    """Return a SHA-256 over the cqkg version and the path and content of every input file."""
    digest = hashlib.sha256(__version__.encode())
    for path in input_files(root):
        digest.update(str(path.relative_to(root)).encode() + b"\0")
        digest.update(hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def is_current(build_dir: Path, root: Path, stamp: str | None = None) -> bool:
    """True if ``build_dir`` holds a complete, intact build of the current inputs (``stamp``: their fingerprint)."""
    manifest = read_manifest(build_dir)
    return (bool(manifest) and manifest.get("fingerprint") == (stamp or fingerprint(root))
            and buildfolder.outputs_intact(build_dir, manifest))


def build(root: Path, build_dir: Path, force: bool = False, log=lambda message: None,
          quiet_if_current: bool = False) -> BuildResult:
    """Build the dataset from the inputs below ``root`` into ``build_dir``, unless it is current.

    ``log`` receives one line per step. Raises InputSyntaxError for a malformed
    input and ValidationFailed (carrying the report) when the data violates a shape.
    """
    root, build_dir = Path(root), Path(build_dir)
    with buildfolder.exclusive(build_dir, log):
        stamp = fingerprint(root)
        if not force and is_current(build_dir, root, stamp):
            if not quiet_if_current:
                log(f"build is current ({build_dir})")
            return BuildResult(cached=True, manifest=read_manifest(build_dir))
        return _build(root, build_dir, stamp, log)


def _build(root: Path, build_dir: Path, stamp: str, log) -> BuildResult:
    timings = {}
    started = time.perf_counter()
    inputs = load_inputs(root)
    check_graph_names(inputs.data)
    timings["load_s"] = _lap(started)
    log(f"loaded {len(inputs.files)} files: {len(inputs.ontology)} ontology and {len(inputs.data)} data quads")
    ontology, shapes = to_graph(inputs.ontology), to_graph(inputs.shapes)
    asserted = asserted_graph(inputs)
    step = time.perf_counter()
    report = validate(asserted, shapes, ontology, inputs.defined_in)
    timings["validate_s"] = _lap(step)
    counts = report.counts()
    log(f"validated: {counts['Violation']} violations, {counts['Warning']} warnings")
    if not report.conforms:
        error = ValidationFailed(f"data violates the shapes ({counts['Violation']} violations); run `cqkg validate`")
        error.report = report
        raise error
    step = time.perf_counter()
    inferred = inferred_triples(ontology, asserted)
    timings["reason_s"] = _lap(step)
    log(f"reasoned: {len(inferred)} inferred triples")
    quads = _dataset_quads(inputs, asserted, inferred)
    step = time.perf_counter()
    graph_counts = _write(build_dir, quads)
    default_triples = graph_counts.pop(DEFAULT_GRAPH_KEY, 0)
    timings["write_s"] = _lap(step)
    timings["total_s"] = _lap(started)
    write_report(build_dir, stamp, report)
    manifest = buildfolder.commit(build_dir, {
        "fingerprint": stamp, "version": __version__, "graphs": graph_counts,
        "default_graph_triples": default_triples, "quads": sum(graph_counts.values()) + default_triples,
        "validation": counts, "timings": timings,
    })
    log(f"built {manifest['quads']} quads in {len(graph_counts)} graphs into {build_dir} ({timings['total_s']} s)")
    return BuildResult(cached=False, manifest=manifest, report=report)


def ensure_built(root: Path, build_dir: Path, log=lambda message: None) -> None:
    """Build the dataset unless ``build_dir`` already holds an intact build of the current inputs."""
    build(root, build_dir, log=log, quiet_if_current=True)


def validate_inputs(root: Path) -> Report:
    """Load the inputs below ``root`` and validate them; return the report (no build is written)."""
    inputs = load_inputs(Path(root))
    check_graph_names(inputs.data)
    return validate(asserted_graph(inputs), to_graph(inputs.shapes), to_graph(inputs.ontology), inputs.defined_in)


def asserted_graph(inputs: Inputs):
    """Return the asserted data as an rdflib Graph: every data triple plus the derived entity provenance."""
    asserted = to_graph(inputs.data)
    for triple in entity_provenance(inputs.data):
        asserted.add((to_rdflib(triple.subject), to_rdflib(triple.predicate), to_rdflib(triple.object)))
    return asserted


def _dataset_quads(inputs: Inputs, asserted, inferred) -> list[ox.Quad]:
    """All quads of the built dataset: ontology, asserted, inferred and the data's own graphs."""
    quads = [ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(ONTOLOGY_GRAPH)) for q in inputs.ontology]
    for graph_iri, graph in ((ASSERTED_GRAPH, asserted), (INFERRED_GRAPH, inferred)):
        name = ox.NamedNode(graph_iri)
        quads += [ox.Quad(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o), name) for s, p, o in graph]
    quads += inputs.data
    # The default graph, stored as such so that any SPARQL store loading the dump (and
    # our engines) answers a query without FROM from the union, and FROM works natively.
    union = {(q.subject, q.predicate, q.object) for q in quads if q.graph_name.value in DEFAULT_UNION}
    quads += [ox.Quad(s, p, o, ox.DefaultGraph()) for s, p, o in union]
    return quads


def _write(build_dir: Path, quads: list[ox.Quad]) -> dict[str, int]:
    """Stage the dataset as sorted N-Quads and as a fresh pyoxigraph store; return quads per graph."""
    dataset_new, fresh = buildfolder.staging_paths(build_dir)
    lines = sorted(set(ox.serialize(quads, format=ox.RdfFormat.N_QUADS).decode("utf-8").splitlines()))
    dataset_new.write_text("\n".join(lines) + "\n", encoding="utf-8")
    shutil.rmtree(fresh, ignore_errors=True)
    store = ox.Store(str(fresh))
    store.bulk_extend(quads)
    store.flush()
    store.optimize()
    counts = {}
    for quad in store.quads_for_pattern(None, None, None, None):
        name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else DEFAULT_GRAPH_KEY
        counts[name] = counts.get(name, 0) + 1
    del store
    return dict(sorted(counts.items()))


def _lap(start: float) -> float:
    return round(time.perf_counter() - start, 3)
