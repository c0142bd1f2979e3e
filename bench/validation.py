"""Time SHACL validation at growing sizes: ``python -m bench.validation [--sizes 10000 100000 1000000] [--pyshacl-up-to N]``.

The data graph is the one the build validates (asserted data with derived provenance,
plus the ontology), grown by copying the shipped data under fresh IRIs (every entity
IRI gets a suffix ``-r<k>``) until it holds the asked number of triples. Each size runs
in its own process, so that its peak memory is its own. Prints a Markdown table.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox

ROOT = Path(__file__).resolve().parent.parent


def grown_triples(size: int) -> list[ox.Quad]:
    """The build's data graph grown to at least ``size`` triples by copies under fresh IRIs (default graph)."""
    from cqkg.build.load import load_inputs
    from cqkg.build.provenance import entity_provenance
    from cqkg.namespaces import ID

    inputs = load_inputs(ROOT)
    asserted = {(q.subject, q.predicate, q.object) for q in inputs.data}
    asserted |= {(t.subject, t.predicate, t.object) for t in entity_provenance(inputs.data)}
    triples = {(q.subject, q.predicate, q.object) for q in inputs.ontology} | asserted
    copy = 0
    while len(triples) < size:
        copy += 1

        def fresh(term, suffix=f"-r{copy}"):
            return ox.NamedNode(term.value + suffix) if isinstance(term, ox.NamedNode) and term.value.startswith(ID) else term
        triples |= {(fresh(s), p, fresh(o)) for s, p, o in asserted}
    return [ox.Quad(s, p, o) for s, p, o in triples]


def measure(size: int, engine: str) -> dict:
    """Validate the grown data with ``engine`` ("compiled", "incremental" or "pyshacl") in this process."""
    from cqkg.build.load import load_inputs, to_graph
    from cqkg.build.validate import validate
    from cqkg.namespaces import ID

    inputs = load_inputs(ROOT)
    triples = grown_triples(size)
    before_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    started = time.perf_counter()
    if engine == "pyshacl":
        from cqkg.build.shacl_reference import reference_results
        results = reference_results(to_graph(triples), to_graph(inputs.shapes))
        findings = len(results)
    else:
        touched = None
        if engine == "incremental":  # the organisations of one copy: what an edit of one file touches
            touched = sorted({q.subject.value for q in triples if q.subject.value.startswith(ID + "org/")
                              and q.subject.value.endswith("-r1")})
        findings = len(validate(triples, inputs.shapes, [], focus=touched).findings)
    return {"triples": len(triples), "seconds": round(time.perf_counter() - started, 2), "findings": findings,
            "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024), "before_mb": round(before_mb)}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.validation")
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 293_000, 1_000_000])
    parser.add_argument("--pyshacl-up-to", type=int, default=10_000, help="largest size pySHACL is timed at")
    parser.add_argument("--one", nargs=2, metavar=("SIZE", "ENGINE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print(json.dumps(measure(int(args.one[0]), args.one[1])))
        return
    print("| data graph triples | ≈ built quads | engine | seconds | peak memory, MB (before validating) | findings |")
    print("|---:|---:|---|---:|---:|---:|")
    for size in args.sizes:
        engines = ["compiled", "incremental"] + (["pyshacl"] if size <= args.pyshacl_up_to else [])
        for engine in engines:
            out = subprocess.run([sys.executable, "-m", "bench.validation", "--one", str(size), engine],
                                 cwd=ROOT, capture_output=True, text=True, check=True).stdout
            row = json.loads(out.splitlines()[-1])
            # The shipped build holds 3.41 quads per triple of the data graph it validates (19,602 / 5,742).
            print(f"| {row['triples']:,} | {round(row['triples'] * 3.41):,} | {engine} | {row['seconds']} "
                  f"| {row['peak_mb']} ({row['before_mb']}) | {row['findings']} |", flush=True)


if __name__ == "__main__":
    main()
