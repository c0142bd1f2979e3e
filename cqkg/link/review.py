"""Proposals as a reviewable TSV, and accepted rows as a links file.

The TSV has one row per proposal, best first per entity, with an ``accept`` column
pre-filled ``yes`` for scores at or above the threshold and empty otherwise: the
reviewer edits that column. ``accept`` turns rows marked ``yes`` into a TriG links
file (``skos:exactMatch`` in the graph ``graph/links/<source>-accepted``), and never
replaces a link the graph already has: a row that would give an entity a second,
different identifier in the same registry is skipped and reported.
"""

from __future__ import annotations

import csv
from datetime import date
from pathlib import Path

from cqkg.errors import CqkgError
from cqkg.link.match import Proposal
from cqkg.namespaces import CURATED_GRAPH, GRAPH, REGISTRIES, turtle_prefixes

COLUMNS = ("accept", "score", "entity", "entity_label", "external", "external_label", "evidence", "source")


def write_tsv(proposals: list[Proposal], path: Path, threshold: int) -> None:
    """Write ``proposals`` to ``path`` as TSV, ``accept`` pre-filled for scores ≥ ``threshold``."""
    with open(path, "w", encoding="utf-8", newline="") as out:
        writer = csv.writer(out, delimiter="\t", lineterminator="\n")
        writer.writerow(COLUMNS)
        for p in sorted(proposals, key=lambda p: (p.iri, -p.score, p.external)):
            writer.writerow(("yes" if p.score >= threshold else "", p.score, p.iri, p.label, p.external,
                             p.external_label, p.evidence, p.source))


def accept(tsv: Path, out: Path, existing_links: dict[str, set[str]], today: date | None = None) -> tuple[int, list[str]]:
    """Write the rows of ``tsv`` marked ``yes`` as links to ``out``; return (links written, problems).

    ``existing_links`` maps entity IRIs to the external IRIs they already link to.
    """
    rows = _read(tsv)
    accepted, problems, seen = [], [], {}
    for row in rows:
        if row["accept"].strip().lower() != "yes":
            continue
        entity, external = row["entity"], row["external"]
        registry = next((name for name, (prefix, _) in REGISTRIES.items() if external.startswith(prefix)), None)
        if registry is None:
            problems.append(f"{entity}: {external} is in no known registry; skipped")
            continue
        current = {x for x in existing_links.get(entity, set()) | seen.get(entity, set())
                   if x.startswith(REGISTRIES[registry][0])}
        if external in current:
            problems.append(f"{entity}: already linked to {external}; skipped")
            continue
        if current:
            problems.append(f"{entity}: already linked to {', '.join(sorted(current))}; {external} not added "
                            "(a curated link is never replaced: resolve by hand)")
            continue
        seen.setdefault(entity, set()).add(external)
        accepted.append((entity, external, registry, row["score"], row["evidence"]))
    if accepted:
        _write_trig(out, accepted, today or date.today())
    return len(accepted), problems


def _read(tsv: Path) -> list[dict]:
    with open(tsv, encoding="utf-8", newline="") as stream:
        reader = csv.DictReader(stream, delimiter="\t")
        missing = set(COLUMNS) - set(reader.fieldnames or ())
        if missing:
            raise CqkgError(f"{tsv}: not a proposals file (missing columns {', '.join(sorted(missing))})")
        return list(reader)


def _write_trig(out: Path, accepted: list[tuple], today: date) -> None:
    source = accepted[0][2] if len({a[2] for a in accepted}) == 1 else "mixed"
    graph = f"{GRAPH}links/{source}-accepted"
    registries = sorted({REGISTRIES[a[2]][1] for a in accepted})
    lines = [f"# {out.name} — links accepted with `cqkg link accept` on {today.isoformat()}.",
             "# Facts: each row was proposed by `cqkg link` from the registry's dump and accepted by a reviewer;",
             "# the comment after each link keeps the score and evidence of the proposal.", "",
             *turtle_prefixes(("cq", "dcterms", "prov", "rdfs", "skos", "xsd")), "",
             f"<{CURATED_GRAPH}> {{", "", f"<{graph}>", "    a prov:Entity ;",
             f'    rdfs:label "Links to {source}, accepted {today.isoformat()}"@en , "与{source}的链接（{today.isoformat()}审核）"@zh ;',
             "    dcterms:source " + " , ".join(f"<{r}>" for r in registries) + " ;",
             f'    prov:generatedAtTime "{today.isoformat()}T00:00:00Z"^^xsd:dateTime ;', "    cq:curated true .", "", "}", "",
             f"<{graph}> {{", ""]
    for entity, external, _registry, score, evidence in sorted(accepted):
        lines.append(f"<{entity}> skos:exactMatch <{external}> .  # score {score}: {evidence}")
    lines += ["", "}", ""]
    Path(out).write_text("\n".join(lines), encoding="utf-8")
