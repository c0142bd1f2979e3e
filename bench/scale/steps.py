"""One measurement of the scale benchmark, run in a fresh process: ``python -m bench.scale.steps MODE ROOT BUILD``.

Modes (each prints one JSON object on standard output):

- ``build``: ``cqkg build --force`` of ROOT into BUILD (a fresh folder): seconds and
  peak memory of each step, the quads built;
- ``edit``: edit one data file of ROOT (a label of its first entity), then build
  BUILD incrementally: the same figures;
- ``check``: validate ROOT (``cqkg validate``): the focus nodes of the violations;
- ``old``: the previous engines on ROOT's stated triples (the data and derived
  provenance, as the old pipeline handed them over): pySHACL as ``validate`` ran it,
  then owlrl as ``reason`` ran it, each with its seconds and peak memory.

Peak memory is the largest resident set size of this process that a psutil
sampler (every 20 ms) saw during the step.
"""

from __future__ import annotations

import json
import sys
import threading
import time
from pathlib import Path

import psutil


class Sampler:
    """Samples this process's resident memory in a thread; ``mark(step)`` closes a step with its peak (MB)."""

    def __init__(self):
        self.process, self.peak, self.steps = psutil.Process(), 0, {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self):
        while not self._stop.wait(0.02):
            self.peak = max(self.peak, self.process.memory_info().rss)

    def mark(self, step: str) -> None:
        """Record the peak since the last mark as ``step``'s, and start again."""
        self.peak = max(self.peak, self.process.memory_info().rss)
        self.steps[step] = round(self.peak / 2 ** 20)
        self.peak = 0

    def stop(self) -> None:
        """Stop sampling."""
        self._stop.set()
        self._thread.join()


def measure_build(root: Path, build_dir: Path, force: bool) -> dict:
    """Build and return the timings, peak memory per step and counts."""
    from cqkg.build.pipeline import build

    sampler = Sampler()

    def log(line: str) -> None:
        name = line.split(":", 1)[0]
        if name in ("load", "validate", "reason", "write"):
            sampler.mark(name)
    started = time.perf_counter()
    result = build(root, build_dir, force=force, log=log)
    seconds = time.perf_counter() - started
    sampler.mark("commit")
    sampler.stop()
    manifest = result.manifest
    return {"seconds": {k.removesuffix("_s"): v for k, v in manifest["timings"].items()} | {"build": round(seconds, 3)},
            "peak_mb": sampler.steps | {"build": max(sampler.steps.values())}, "quads": manifest["quads"],
            "violations": manifest["validation"]["Violation"], "parsed_files": manifest.get("parsed_files")}


def edit_one_file(root: Path) -> Path:
    """Change one label in the first synthetic data file (or parks.trig in the shipped data); return the file."""
    candidates = sorted((root / "data" / "synthetic").glob("part-*.trig")) or [root / "data" / "parks.trig"]
    path = candidates[0]
    text = path.read_text(encoding="utf-8")
    marker = '"@en'
    index = text.index(marker)
    path.write_text(text[:index] + " (edited)" + text[index:], encoding="utf-8")
    return path


def measure_old(root: Path) -> dict:
    """pySHACL and owlrl as the old pipeline ran them, on the same inputs."""
    import pyshacl
    from rdflib import Graph

    from cqkg.build.load import load_inputs, to_graph, to_rdflib
    from cqkg.build.provenance import entity_provenance
    from cqkg.build.reason_owlrl import inferred_triples

    sampler = Sampler()
    seconds = {}
    started = time.perf_counter()
    inputs = load_inputs(root)
    ontology, shapes, asserted = to_graph(inputs.ontology), to_graph(inputs.shapes), to_graph(inputs.data)
    for t in entity_provenance(inputs.data):
        asserted.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    seconds["load"] = time.perf_counter() - started
    sampler.mark("load")
    started = time.perf_counter()
    merged = Graph()
    for graph in (ontology, asserted):
        for triple in graph:
            merged.add(triple)
    conforms, _results, _text = pyshacl.validate(merged, shacl_graph=shapes, inference="none", advanced=True,
                                                 abort_on_first=False, allow_warnings=True, meta_shacl=False)
    seconds["validate"] = time.perf_counter() - started
    sampler.mark("validate")
    started = time.perf_counter()
    inferred = inferred_triples(ontology, asserted)
    seconds["reason"] = time.perf_counter() - started
    sampler.mark("reason")
    sampler.stop()
    return {"seconds": {k: round(v, 3) for k, v in seconds.items()}, "peak_mb": sampler.steps,
            "conforms": bool(conforms), "inferred": len(inferred)}


def main() -> None:
    mode, root, build_dir = sys.argv[1], Path(sys.argv[2]), Path(sys.argv[3])
    if mode == "build":
        result = measure_build(root, build_dir, force=True)
    elif mode == "edit":
        edit_one_file(root)
        result = measure_build(root, build_dir, force=False)
    elif mode == "check":
        from cqkg.build.pipeline import validate_inputs
        result = {"violations": sorted(f.focus for f in validate_inputs(root).violations)}
    elif mode == "old":
        result = measure_old(root)
    else:
        raise SystemExit(f"unknown mode {mode!r}: build, edit, check or old")
    print(json.dumps(result))


if __name__ == "__main__":
    main()
