"""``cqkg link``: stream an external dump, propose matches with evidence, write the TSV; show progress."""

from __future__ import annotations

import time
from pathlib import Path

from cqkg.errors import CqkgError
from cqkg.link import geonames, rdf, ror, wikidata
from cqkg.link.match import Matcher
from cqkg.namespaces import schema_terms
from cqkg.link.records import Record
from cqkg.link.review import write_tsv
from cqkg.store import KnowledgeGraph

READERS = {"wikidata": wikidata.read, "ror": ror.read, "geonames": geonames.read, "rdf": rdf.read}
#: rdf:type classes of an RDF dump and the kind they mean (schema.org, ORG).
RDF_KINDS = {iri: kind for local, kind in (("CollegeOrUniversity", "university"), ("ResearchOrganization", "research"),
                                            ("Corporation", "company"), ("Hospital", "hospital"), ("Place", "place"),
                                            ("AdministrativeArea", "place"))
             for iri in schema_terms(local)}


def guess_format(path: Path) -> str:
    """The dump format from the file name: ``*.nt``/``*.ttl`` rdf, ``*.txt`` GeoNames, ``*ror*`` ROR, else Wikidata."""
    name = Path(path).name.lower().removesuffix(".gz").removesuffix(".bz2")
    if name.endswith((".nt", ".ttl")):
        return "rdf"
    if name.endswith((".txt", ".tsv")):
        return "geonames"
    return "ror" if "ror" in name else "wikidata"


def propose(kg: KnowledgeGraph, dump: Path, fmt: str, out: Path, threshold: int = 80, minimum: int = 50,
            log=lambda message: None, every: int = 100_000) -> dict:
    """Stream ``dump`` (format ``fmt``), write proposals scoring ≥ ``minimum`` to ``out``; return counts and rate."""
    if fmt not in READERS:
        raise CqkgError(f"unknown dump format {fmt!r}; expected one of {', '.join(READERS)}")
    if not Path(dump).is_file():
        raise CqkgError(f"no such dump: {dump}")
    matcher = Matcher(kg)
    started = time.perf_counter()
    count, proposals = 0, []
    if fmt == "rdf":
        candidates = {}
        for record in rdf.read(dump):
            count += 1
            if matcher.candidates(record):
                candidates.setdefault(record.iri, Record("rdf", record.iri)).names += record.names
            _progress(count, len(candidates), started, every, log)
        rdf.enrich(dump, candidates, RDF_KINDS)
        records = candidates.values()
        proposals = [p for record in records for p in matcher.propose(record, minimum)]
    else:
        for record in READERS[fmt](dump):
            count += 1
            proposals += matcher.propose(record, minimum)
            _progress(count, len(proposals), started, every, log)
    write_tsv(proposals, out, threshold)
    seconds = time.perf_counter() - started
    log(f"{count} records in {seconds:.1f} s ({count / seconds if seconds else 0:,.0f} records/s): "
        f"{len(proposals)} proposals, {sum(p.score >= threshold for p in proposals)} at or above {threshold}, in {out}")
    return {"records": count, "proposals": len(proposals), "seconds": seconds}


def _progress(count: int, found: int, started: float, every: int, log) -> None:
    if count % every == 0:
        rate = count / (time.perf_counter() - started)
        log(f"… {count:,} records read, {found} candidates, {rate:,.0f} records/s")
