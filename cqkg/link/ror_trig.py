"""The TriG ``cqkg import ror`` writes: one block per organisation and per record file read,
the links to ROR and Wikidata in their own graphs, under a header saying where they come from."""

from __future__ import annotations

import json
from pathlib import Path

from cqkg.link.ror_records import ROR, Record
from cqkg.namespaces import CURATED_GRAPH, GRAPH, turtle_prefixes

RECORDS_REPO = "https://github.com/ror-community/ror-records"
ROR_GRAPH = GRAPH + "links/ror"
WIKIDATA_GRAPH = GRAPH + "links/wikidata"


def record_file(record: Record, commit: str | None) -> str | None:
    if not record.release:
        return None
    ref = commit or record.release
    return f"{RECORDS_REPO}/blob/{ref}/{record.release}/{record.ror_id}.json"


def record_block(record: Record, record_file: str, commit: str | None, stamp: str) -> str:
    facts = ["a prov:Entity", f"dcterms:isVersionOf <{ROR}{record.ror_id}>",
             f"dcterms:isPartOf <{RECORDS_REPO}/tree/{commit or record.release}/{record.release}>"]
    if record.modified:
        facts.append(f'dcterms:modified "{record.modified}"^^xsd:date')
    facts.append(f'prov:generatedAtTime "{stamp}"^^xsd:dateTime')
    facts.append(f'rdfs:comment {literal(f"ROR record {record.ror_id}, schema v{record.schema}, release {record.release}, read by cqkg import ror.")}@en')
    return block(f"<{record_file}>", facts)


def render(blocks, record_blocks, ror_links, wikidata_links, commit, stamp, mapping_path) -> str:
    lines = [
        "# ror-imported.trig — organisation facts and links imported from ROR records by `cqkg import ror`.",
        "#",
        "# Facts: generated; do not edit by hand (edit the mapping and run the importer again).",
        f"# Each organisation below is mapped to its ROR record in {Path(mapping_path).name}, where each row",
        "# says when it was verified against the record (name, country, city). Its country, founding year",
        "# (ROR `established`), aliases, acronyms and coordinates (GeoSPARQL point of the GeoNames place",
        "# ROR gives) are the record's, and it cites https://ror.org/ID and the record file read",
        f"# (github.com/ror-community/ror-records{', commit ' + commit if commit else ''}). The Wikidata",
        "# links are the items the ROR record names (ROR curates that mapping). Facts the data already",
        "# states are not repeated; differing curated facts were kept and reported as conflicts.",
        "",
        *turtle_prefixes(("cq", "dcterms", "geo", "prov", "rdfs", "skos", "xsd")),
        "",
        f"<{CURATED_GRAPH}> {{",
        "",
        block(f"<{WIKIDATA_GRAPH}>", [
            "a prov:Entity",
            'rdfs:label "Links to Wikidata, from ROR records"@en , "与Wikidata的链接（取自ROR记录）"@zh',
            f"dcterms:source <{RECORDS_REPO}>",
            f'prov:generatedAtTime "{stamp}"^^xsd:dateTime',
            "cq:curated true"]),
    ]
    lines += blocks + sorted(set(record_blocks))
    lines += ["}", "", f"<{ROR_GRAPH}> {{", ""] + ror_links + ["", "}", "", f"<{WIKIDATA_GRAPH}> {{", ""]
    lines += wikidata_links + ["", "}", ""]
    return "\n".join(lines)


def block(subject: str, facts: list[str]) -> str:
    return subject + "\n" + " ;\n".join("    " + fact for fact in facts) + " .\n"


def literal(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def number(value: float) -> str:
    return repr(float(value))
