"""Benchmark of ``cqkg link`` on a generated 1 GB Wikidata-like dump: records/s and peak memory.

``python -m bench.link [--gigabytes G]`` writes the result into the "Linking" section
of docs/benchmarks.md. The dump is generated in a temporary folder, with real
Wikidata JSON structure (labels, aliases, P31, P17, P571 claims) and, among random
names, the names of some cqkg entities so that matching does real work.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.sections import write_section

ROOT = Path(__file__).resolve().parent.parent
NAMES = ["Chongqing University", "Southwest University", "Jilin University", "NXP Semiconductors", "Chongqing",
         "重庆大学", "Harbin Institute of Technology", "Yuzhong District", "Continental AG", "Inspur"]
SECTION = "## Linking (`cqkg link`)"


def entity(number: int, rng: random.Random) -> dict:
    """One Wikidata-shaped entity; about one in a thousand carries the name of a cqkg entity."""
    name = rng.choice(NAMES) if number % 1000 == 0 else f"Entity {number} {rng.getrandbits(48):x}"
    claim = lambda prop, q: {"mainsnak": {"snaktype": "value", "property": prop, "datavalue": {  # noqa: E731
        "value": {"entity-type": "item", "numeric-id": int(q[1:]), "id": q}, "type": "wikibase-entityid"}},
        "type": "statement", "rank": "normal"}
    return {
        "type": "item", "id": f"Q{number}",
        "labels": {lang: {"language": lang, "value": f"{name} ({lang})" if lang != "en" else name}
                   for lang in ("en", "de", "fr", "zh")},
        "descriptions": {"en": {"language": "en", "value": "generated entity for the cqkg link benchmark " * 3}},
        "aliases": {"en": [{"language": "en", "value": f"{name} alias {i}"} for i in range(3)]},
        "claims": {"P31": [claim("P31", rng.choice(["Q3918", "Q4830453", "Q515", "Q5"]))],
                   "P17": [claim("P17", rng.choice(["Q148", "Q30", "Q183"]))]},
        "sitelinks": {},
    }


def generate(path: Path, gigabytes: float) -> int:
    """Write a dump of about ``gigabytes`` GB to ``path``; return the number of entities."""
    rng, target, written, count = random.Random(7), int(gigabytes * 1e9), 0, 0
    with open(path, "w", encoding="utf-8") as out:
        out.write("[\n")
        while written < target:
            count += 1
            line = json.dumps(entity(count, rng), ensure_ascii=False) + ",\n"
            out.write(line)
            written += len(line.encode("utf-8"))
        out.write(json.dumps(entity(count + 1, rng)) + "\n]\n")
    return count + 1


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.link")
    parser.add_argument("--gigabytes", type=float, default=1.0)
    parser.add_argument("--write", type=Path, default=ROOT / "docs" / "benchmarks.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        dump = Path(folder) / "wikidata-like.json"
        started = time.perf_counter()
        entities = generate(dump, args.gigabytes)
        size = dump.stat().st_size
        print(f"generated {entities:,} entities, {size / 1e9:.2f} GB in {time.perf_counter() - started:.0f} s")
        started = time.perf_counter()
        result = subprocess.run([sys.executable, "-m", "cqkg.cli", "link", str(dump), "--format", "wikidata",
                                 "--out", str(Path(folder) / "links.tsv")], cwd=ROOT, capture_output=True, text=True)
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
        if result.returncode != 0:
            raise SystemExit(result.stderr)
        summary = result.stderr.strip().splitlines()[-1]
    text = (f"{SECTION}\n\nOne run of `python -m bench.link` on a generated Wikidata-like JSON dump of "
            f"{size / 1e9:.2f} GB ({entities:,} entities, one entity per line as in the official dumps, one in a "
            f"thousand named like a cqkg entity): {entities / seconds:,.0f} records/s ({seconds:.0f} s in all, "
            f"including start-up), peak memory of the `cqkg link` process {peak_mb:.0f} MB.\n\n"
            f"`cqkg link` said: {summary}\n")
    print(text)
    write_section(args.write, text)


if __name__ == "__main__":
    main()
