"""The scale benchmark: ``python -m bench.scale [--sizes N,N,...] [--old-up-to N] [--write FILE]``.

For the shipped data and for synthetic projects of each size (``bench.scale.generate``),
each in fresh processes (``bench.scale.steps``): a cold build (``--force``, empty
build folder) with each step's seconds and peak memory, then an edit of one data
file rebuilt incrementally, then, up to ``--old-up-to`` quads and within
``--old-timeout`` seconds, the previous engines (pySHACL, owlrl) on the same data.
The violation variant of the smallest size checks that validation reports the
violations put in. The table replaces the "Build at scale" section of docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
from datetime import datetime, timezone
from pathlib import Path

from bench.scale.generate import REPO, generate
from bench.sections import write_section

SECTION = "## Build at scale (`python -m bench.scale`)"
STEPS = ("load", "validate", "reason", "write")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.scale")
    parser.add_argument("--sizes", default="10000,100000,1000000", help="data quads of the synthetic projects")
    parser.add_argument("--old-up-to", type=int, default=100_000, help="largest size the old engines run on")
    parser.add_argument("--old-timeout", type=int, default=240, help="seconds the old engines get per size")
    parser.add_argument("--write", type=Path, default=REPO / "docs" / "benchmarks.md")
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    columns = []
    with tempfile.TemporaryDirectory() as folder:
        for size in [0, *sizes]:
            project = Path(folder) / f"project-{size}"
            if size:
                data_quads = generate(project, size).quads
            else:
                for name in ("ontology", "data", "sources"):
                    shutil.copytree(REPO / name, project / name)
                data_quads = None
            columns.append(_measure(project, Path(folder) / f"build-{size}", size, data_quads, args))
            shutil.rmtree(project)
            shutil.rmtree(Path(folder) / f"build-{size}", ignore_errors=True)
        check = _check_violations(Path(folder) / "violations", min(sizes))
    text = _report(columns, check, args)
    print(text)
    write_section(args.write, text)
    print(f"written to {args.write}")


def _measure(project: Path, build_dir: Path, size: int, data_quads: int | None, args) -> dict:
    name = "shipped data" if not size else f"{size // 1000:,} k".replace(",000 k", " M") if size < 10**6 \
        else f"{size // 10**6} M"
    column = {"name": name, "data_quads": data_quads}
    column["build"] = _run("build", project, build_dir)
    print(f"{name}: build {json.dumps(column['build'])}", flush=True)
    column["edit"] = _run("edit", project, build_dir)
    print(f"{name}: edit {json.dumps(column['edit'])}", flush=True)
    if size <= args.old_up_to:
        column["old"] = _run("old", project, build_dir, timeout=args.old_timeout)
        print(f"{name}: old {json.dumps(column['old'])}", flush=True)
    return column


def _run(mode: str, project: Path, build_dir: Path, timeout: int = 3600) -> dict:
    """One measurement in a fresh process; {"error": ...} if it failed or ran out of time."""
    try:
        result = subprocess.run([sys.executable, "-m", "bench.scale.steps", mode, str(project), str(build_dir)],
                                capture_output=True, text=True, timeout=timeout, cwd=REPO)
    except subprocess.TimeoutExpired:
        return {"error": f"did not finish in {timeout} s"}
    if result.returncode != 0:
        return {"error": (result.stderr.strip().splitlines() or ["failed"])[-1]}
    return json.loads(result.stdout.strip().splitlines()[-1])


def _check_violations(project: Path, size: int) -> dict:
    generated = generate(project, size, violations=True)
    found = _run("check", project, project / "build")
    expected = sorted(node for nodes in generated.violations.values() for node in nodes)
    return {"size": size, "put_in": len(expected), "kinds": len(generated.violations),
            "found": len(found.get("violations", [])), "same": found.get("violations") == expected,
            "error": found.get("error")}


def _cell(measurement: dict, step: str) -> str:
    if "error" in measurement:
        return measurement["error"]
    seconds, peak = measurement["seconds"].get(step), measurement["peak_mb"].get(step)
    return "–" if seconds is None else f"{seconds:.2f} s, {peak:,} MB"


def _report(columns: list[dict], check: dict, args) -> str:
    header = ["step"]
    for c in columns:
        built = c["build"].get("quads")
        data = f"{c['data_quads']:,} data quads, " if c["data_quads"] else ""
        header.append(f"{c['name']} ({data}{built:,} built)" if built else c["name"])
    load = ", ".join(f"{value:.1f}" for value in os.getloadavg())
    lines = [SECTION, "", f"One run on {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC, {platform.machine()}, "
             f"{os.cpu_count()} cores (load average at the end {load}), "
             f"Python {platform.python_version()}. Each cell: seconds, then the peak resident memory of the process "
             "during that step; every size in fresh processes. Synthetic projects from `bench.scale.generate` "
             "(organisations of every class with districts, partners, parents, fields and sentence provenance, "
             "observations, curated facts with sources).", "",
             "| " + " | ".join(header) + " |", "|---|" + "---:|" * len(columns)]
    rows = [(f"{step}", "build", step) for step in STEPS]
    rows += [("whole cold build (`--force`)", "build", "build"), ("edit one data file, rebuild", "edit", "build"),
             ("old: validate with pySHACL", "old", "validate"), ("old: reason with owlrl", "old", "reason")]
    for label, mode, step in rows:
        lines.append(f"| {label} | " + " | ".join(_cell(c[mode], step) if mode in c else "not run"
                                                   for c in columns) + " |")
    lines += ["", f"Violation variant ({check['size']:,} quads): {check['put_in']} violations of {check['kinds']} "
              f"kinds put in, {check['found']} reported, {'the same focus nodes' if check['same'] else 'DIFFERENT'}"
              f"{'; ' + check['error'] if check.get('error') else ''}.", "", "Targets:", ""]
    lines += [f"- {'✅' if ok else '❌'} {text}" for ok, text in _targets(columns)]
    return "\n".join(lines) + "\n\n" + READING


READING = """Reading the numbers:

- The machine is shared with other work: with a load average of 5 to 7 on its 2 cores
  the same code took 2.3 s for the shipped data, 24 s for 100 k and 245 s for 1 M.
  Compare the cells of one run.
- "load" parses only the files whose content is new (the parse cache in `build/cache/`)
  and loads the stated triples into one in-memory store; "validate" and "reason" run
  on that store; "write" sorts the dump and loads the on-disk store (the data graphs
  load in a thread while validation and reasoning run). An edit re-parses one file and
  applies the difference to a checkpoint of the previous store, but validates and
  reasons over the whole graph again: at 1 M an edit costs nearly a cold build.
- Other reasoners measured: `reasonable` 0.4.4 (a native OWL 2 RL reasoner from PyPI)
  took 2.7 s and 780 MB at 100 k, most of it converting rdflib terms both ways, against
  about 2.3 s and 270 MB for the SPARQL rules; owlrl stays the tests' reference.
"""


def _targets(columns: list[dict]):
    def seconds(name, mode="build"):
        column = next((c for c in columns if c["name"] == name), None)
        return None if column is None or "error" in column[mode] else column[mode]["seconds"]["build"]

    def peak(name):
        column = next((c for c in columns if c["name"] == name), None)
        return None if column is None or "error" in column["build"] else column["build"]["peak_mb"]["build"]
    checks = [("shipped data", "build", 2, "shipped data, cold build under 2 s"),
              ("100 k", "build", 15, "100 k quads under 15 s"), ("1 M", "build", 120, "1 M quads under 2 min"),
              ("shipped data", "edit", 1, "an edit of one shipped data file rebuilt in under 1 s")]
    for name, mode, limit, text in checks:
        value = seconds(name, mode)
        yield value is not None and value < limit, f"{text}: {'not measured' if value is None else f'{value:.2f} s'}"
    memory = peak("1 M")
    measured = "not measured" if memory is None else f"{memory:,} MB"
    yield memory is not None and memory < 4096, f"1 M quads under 4 GB: {measured}"


if __name__ == "__main__":
    main()
