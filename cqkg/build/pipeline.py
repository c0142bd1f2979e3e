"""The build pipeline: hash → load → validate → reason → write → commit.

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

Incremental: each input is hashed once per build and parsed only when its content
is new (``cqkg.build.parse_cache``); validation and reasoning then run on one
in-memory store of the whole graph (``cqkg.build.dataset``), fast enough to redo
whole; the outputs (``cqkg.build.outputs``) are a fresh dump and, after a small
edit, the previous store with the difference applied, swapped in whole
(``cqkg.build.folder``), so an incremental build gives the same bytes as a clean one.
"""

from __future__ import annotations

import hashlib
import time
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from cqkg import __version__
from cqkg.build import dataset
from cqkg.build import folder as buildfolder
from cqkg.build.load import Inputs, input_files, load_inputs, to_graph, to_rdflib
from cqkg.build.manifest import DEFAULT_GRAPH_KEY, read_manifest
from cqkg.build.outputs import Outputs
from cqkg.build.parse_cache import CACHE, digests, parse_inputs, prune
from cqkg.build.progress import Progress, checkpoint
from cqkg.build.provenance import check_graph_names, check_names, entity_provenance
from cqkg.build.reason import materialise
from cqkg.build.report import write_report
from cqkg.build.validate import Report, validate
from cqkg.errors import ValidationFailed


@dataclass
class BuildResult:
    """What a build did: whether it was cached, its manifest, and the validation report (if run)."""

    cached: bool
    manifest: dict
    report: Report | None = None


def fingerprint(root: Path, hashes: dict[str, str] | None = None) -> str:
    """Return a SHA-256 over the cqkg version and the path and content of every input file.

    ``hashes`` (path relative to ``root`` → SHA-256 of the content) saves hashing again.
    """
    hashes = hashes if hashes is not None else digests(root, input_files(root))
    digest = hashlib.sha256(__version__.encode())
    for rel, content in hashes.items():
        digest.update(rel.encode() + b"\0")
        digest.update(bytes.fromhex(content))
    return digest.hexdigest()


def is_current(build_dir: Path, root: Path, stamp: str | None = None) -> bool:
    """True if ``build_dir`` holds a complete, intact build of the current inputs (``stamp``: their fingerprint)."""
    manifest = read_manifest(build_dir)
    return (bool(manifest) and manifest.get("fingerprint") == (stamp or fingerprint(root))
            and buildfolder.outputs_intact(build_dir, manifest))


def build(root: Path, build_dir: Path, force: bool = False, log=lambda message: None,
          quiet_if_current: bool = False, bars: bool = False) -> BuildResult:
    """Build the dataset from the inputs below ``root`` into ``build_dir``, unless it is current.

    ``log`` receives one line per step (with ``bars``, a tqdm bar also shows each
    step on standard error). Raises InputSyntaxError for a malformed input and
    ValidationFailed (carrying the report) when the data violates a shape.
    """
    root, build_dir = Path(root), Path(build_dir)
    with buildfolder.exclusive(build_dir, log):
        progress = Progress(log, bars)
        started = time.perf_counter()
        files = input_files(root)
        hashes = digests(root, files)
        stamp = fingerprint(root, hashes)
        progress.timings["hash_s"] = round(time.perf_counter() - started, 3)  # silent: a current build says nothing
        if not force and is_current(build_dir, root, stamp):
            if not quiet_if_current:
                log(f"build is current ({build_dir})")
            return BuildResult(cached=True, manifest=read_manifest(build_dir))
        return _build(root, build_dir, files, hashes, stamp, progress, force)


def _build(root: Path, build_dir: Path, files: list[Path], hashes: dict[str, str], stamp: str,
           progress: Progress, force: bool) -> BuildResult:
    started = time.perf_counter()
    with progress.step("load", total=len(files), unit="file") as step:
        parsed = parse_inputs(root, files, hashes, build_dir / CACHE, step, refresh=force)
        data = [p for p in parsed if p.kind == "data"]
        check_names({g for p in data for g in p.facts["graphs"]}, {s for p in data for s in p.facts["sentences"]})
        store = dataset.working_store(parsed)
        reparsed = sum(not p.reused for p in parsed)
        step.done(f"{len(parsed)} RDF files ({reparsed} parsed, {len(parsed) - reparsed} from the cache), "
                  f"{len(store)} quads in the working store")
    outputs = Outputs(build_dir, parsed, previous=not force and _has_previous(build_dir))
    try:
        outputs.start()  # the data graphs load into the new store while the next steps run
        report = _validated(store, parsed, progress)
        with progress.step("reason") as step:
            inferred = materialise(store)
            dataset.add_inferred(store, inferred)
            step.done(f"{len(inferred)} inferred triples")
        with progress.step("write", total=2, unit="output") as step:
            outputs.add_stated(store)
            del store  # free the working store before the on-disk store is loaded
            step.advance()
            graph_counts = outputs.finish()
            step.advance()
            step.done(f"{sum(graph_counts.values())} quads")
    finally:
        outputs.close()
    default_triples = graph_counts.pop(DEFAULT_GRAPH_KEY, 0)
    timings = dict(progress.timings, total_s=round(time.perf_counter() - started, 3))
    write_report(build_dir, stamp, report)
    manifest = buildfolder.commit(build_dir, {
        "fingerprint": stamp, "version": __version__, "graphs": graph_counts,
        "default_graph_triples": default_triples, "quads": sum(graph_counts.values()) + default_triples,
        "validation": report.counts(), "timings": timings, "parsed_files": reparsed, "canonical": True,
    }, checkpoint)
    prune(build_dir / CACHE, parsed)
    progress.log(f"built {manifest['quads']} quads in {len(graph_counts)} graphs into {build_dir} "
                 f"({timings['total_s']} s)")
    return BuildResult(cached=False, manifest=manifest, report=report)


def _validated(store: ox.Store, parsed, progress: Progress) -> Report:
    """The validation step; raises ValidationFailed (carrying the report) when the data violates a shape."""
    with progress.step("validate") as step:
        shapes = next(p for p in parsed if p.kind == "shapes").quads()
        report = _validate(store, shapes, dataset.defined_in(parsed))
        counts = report.counts()
        step.done(f"{counts['Violation']} violations, {counts['Warning']} warnings")
    if not report.conforms:
        error = ValidationFailed(f"data violates the shapes ({counts['Violation']} violations); run `cqkg validate`")
        error.report = report
        raise error
    return report


def _has_previous(build_dir: Path) -> bool:
    """True if ``build_dir`` holds an intact build whose dump is in canonical form (made by this pipeline)."""
    manifest = read_manifest(build_dir)
    return manifest.get("canonical") is True and buildfolder.outputs_intact(build_dir, manifest)


def _validate(store: ox.Store, shapes: list[ox.Quad], defined_in: dict[str, set[str]]) -> Report:
    """Validate the stated triples (the store's default graph: ontology and asserted) against the shapes, in place."""
    return validate(store, shapes, [], defined_in)


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
