"""CSV tables for people who do not use RDF: one per main class, one of statistical observations.

Every table is UTF-8 with a header row and one row per entity, readable by pandas
(``pd.read_csv``) and R (``read.csv``) without options. ``COLUMNS`` documents the
columns; ``write_tables`` also writes that documentation as README.md beside them.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from cqkg.namespaces import ASSERTED_GRAPH, ID, INFERRED_GRAPH, REGISTRIES
from cqkg.store import KnowledgeGraph

ENTITY_TABLES = {  # file stem: (class whose members it lists, what it holds)
    "organisations": ("cq:Organisation", "universities, academies, institutes, enterprises, transfer centres"),
    "places": ("cq:Place", "the municipality, its districts and counties, new areas, regions, countries, parks"),
    "events": ("cq:Expo", "expos and fairs"),
    "initiatives-and-policies": ("prov:Plan", "talent programmes, strategic initiatives and policies"),
    "groups": ("cq:Group", "talent groups, groups of organisations, clusters, the park system"),
    "achievements": ("cq:Achievement", "results the source states in a research field"),
    "concepts": ("skos:Concept", "industries, research fields, policy measures, expo activities, indicators"),
}
COLUMNS = {
    "iri": "the entity's IRI (https://w3id.org/cqkg/id/<kind>/<slug>)",
    "label_en": "English name",
    "label_zh": "Chinese name",
    "zh_label_status": "'working translation' when the Chinese name is not confirmed by an official source",
    "types": "its classes as asserted (cq: terms), ';'-separated",
    "located_in": "English name of the place it is directly located in",
    "district": "English name of the district or county it is located in, if any",
    "division_code": "GB/T 2260 code (administrative divisions)",
    "moe_code": "Ministry of Education institution code (universities)",
    "founding_year": "year founded, where curated",
    "website": "official website",
    "ror": "ROR identifier (verified links only)",
    "wikidata": "Wikidata entity (verified links only)",
    "geonames": "GeoNames feature (verified links only)",
    "source_sentences": "numbers of the sentences of the source that state it, ';'-separated",
    "sources": "authorities the curated facts cite, ';'-separated",
}
OBSERVATION_COLUMNS = {
    "iri": "the observation's IRI",
    "indicator": "the indicator's IRI",
    "indicator_en": "what is measured, in English",
    "indicator_zh": "what is measured, in Chinese",
    "area": "reference area (English name)",
    "period": "reference period (year)",
    "period_basis": "'stated by the source' or 'publication year of the source' (when the source gives no year)",
    "value": "the value",
    "unit": "unit of the value",
    "bound": "'exact value', or 'exclusive lower bound' when the source says 'exceeded'",
    "change_rate_percent": "year-on-year change the source states, in %",
    "consecutive_periods": "for how many consecutive periods the value has held",
    "sentence_number": "number of the source sentence that states it",
    "sentence_text": "that sentence, verbatim",
}

def entity_query(cls: str) -> str:
    """The query of one row per entity of the class ``cls`` (a SPARQL IRI or prefixed name)."""
    return f"""
SELECT ?iri (SAMPLE(?en) AS ?label_en) (SAMPLE(?zh) AS ?label_zh) (SAMPLE(?status) AS ?zh_label_status)
       (GROUP_CONCAT(DISTINCT ?typeName; separator=";") AS ?types) (SAMPLE(?placeName) AS ?located_in)
       (SAMPLE(?districtName) AS ?district) (SAMPLE(?code) AS ?division_code) (SAMPLE(?moe) AS ?moe_code)
       (SAMPLE(?founded) AS ?founding_year) (SAMPLE(?url) AS ?website)
       (SAMPLE(?rorId) AS ?ror) (SAMPLE(?wd) AS ?wikidata) (SAMPLE(?gn) AS ?geonames)
       (GROUP_CONCAT(DISTINCT STR(?n); separator=";") AS ?source_sentences)
       (GROUP_CONCAT(DISTINCT STR(?authority); separator=";") AS ?sources)
WHERE {{
    ?iri a {cls} .
    FILTER(STRSTARTS(STR(?iri), "{ID}"))
    GRAPH <{ASSERTED_GRAPH}> {{ ?iri a ?type }}
    BIND(REPLACE(STR(?type), "^.*[/#]", "") AS ?typeName)
    OPTIONAL {{ ?iri rdfs:label ?en FILTER(LANG(?en) = "en") }}
    OPTIONAL {{ ?iri rdfs:label ?zh FILTER(LANG(?zh) = "zh") }}
    OPTIONAL {{ ?iri cq:labelStatus cq:WorkingTranslation BIND("working translation" AS ?status) }}
    OPTIONAL {{ GRAPH ?g {{ ?iri cq:locatedIn ?place }} ?place rdfs:label ?placeName FILTER(LANG(?placeName) = "en")
               FILTER(?g != <{INFERRED_GRAPH}>) }}
    OPTIONAL {{ GRAPH <{ASSERTED_GRAPH}> {{ ?iri cq:locatedIn ?d }}
               ?d a cq:AdministrativeDivision ; cq:locatedIn ?m ; rdfs:label ?districtName .
               ?m a cq:Municipality . FILTER(LANG(?districtName) = "en") }}
    OPTIONAL {{ ?iri cq:divisionCode ?code }}
    OPTIONAL {{ ?iri cq:moeInstitutionCode ?moe }}
    OPTIONAL {{ ?iri cq:foundingYear ?founded }}
    OPTIONAL {{ ?iri schema:url ?url }}
    OPTIONAL {{ ?iri skos:exactMatch|owl:sameAs ?rorId FILTER(STRSTARTS(STR(?rorId), "{REGISTRIES['ror'][0]}")) }}
    OPTIONAL {{ ?iri skos:exactMatch|owl:sameAs ?wd FILTER(STRSTARTS(STR(?wd), "{REGISTRIES['wikidata'][0]}")) }}
    OPTIONAL {{ ?iri skos:exactMatch|owl:sameAs ?gn FILTER(STRSTARTS(STR(?gn), "{REGISTRIES['geonames'][0]}")) }}
    OPTIONAL {{ ?iri prov:wasDerivedFrom ?sentence . ?sentence cq:sentenceNumber ?n }}
    OPTIONAL {{ ?iri dcterms:source ?authority }}
}}
GROUP BY ?iri
ORDER BY ?iri
"""

OBSERVATION_QUERY = """
SELECT ?iri ?indicator ?indicator_en ?indicator_zh ?area ?period ?period_basis ?value ?unit ?bound
       ?change_rate_percent ?consecutive_periods ?sentence_number ?sentence_text WHERE {
    ?iri a qb:Observation ; cq:indicator ?indicator ; sdmx-dimension:refArea ?a ; sdmx-dimension:refPeriod ?period ;
         sdmx-measure:obsValue ?value ; cq:unit ?u ; cq:valueBound ?b ; cq:periodBasis ?pb ;
         prov:wasDerivedFrom ?sentence .
    ?indicator rdfs:label ?indicator_en , ?indicator_zh . FILTER(LANG(?indicator_en) = "en" && LANG(?indicator_zh) = "zh")
    ?a rdfs:label ?area . FILTER(LANG(?area) = "en")
    ?u skos:prefLabel ?unit . FILTER(LANG(?unit) = "en")
    ?b skos:prefLabel ?bound . FILTER(LANG(?bound) = "en")
    ?pb skos:prefLabel ?period_basis . FILTER(LANG(?period_basis) = "en")
    ?sentence cq:sentenceNumber ?sentence_number ; schema:text ?sentence_text .
    OPTIONAL { ?iri cq:changeRate ?change_rate_percent }
    OPTIONAL { ?iri cq:consecutivePeriods ?consecutive_periods }
}
ORDER BY ?iri
"""


def write_tables(kg: KnowledgeGraph, out_dir: Path, log=lambda message: None) -> list[Path]:
    """Write every table and its README to ``out_dir``; return the paths written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for stem, (cls, _about) in ENTITY_TABLES.items():
        written.append(_write(out_dir / f"{stem}.csv", list(COLUMNS), kg.select(entity_query(cls)), log))
    written.append(_write(out_dir / "observations.csv", list(OBSERVATION_COLUMNS), kg.select(OBSERVATION_QUERY), log))
    readme = out_dir / "README.md"
    readme.write_text(_readme(), encoding="utf-8")
    written.append(readme)
    return written


def _write(path: Path, columns: list[str], rows: list[dict], log) -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(columns)
    for row in rows:
        writer.writerow(["" if row.get(c) is None else row[c] for c in columns])
    path.write_text(buffer.getvalue(), encoding="utf-8")
    log(f"wrote {path} ({len(rows)} rows)")
    return path


def _readme() -> str:
    lines = ["# cqkg as CSV tables", "",
             "UTF-8, comma-separated, one header row, one row per entity. In R: `read.csv(\"organisations.csv\")`; "
             "in pandas: `pd.read_csv(\"organisations.csv\")`. Licence: CC BY 4.0.", "", "## Entity tables", ""]
    lines += [f"- `{stem}.csv`: {about}" for stem, (_cls, about) in ENTITY_TABLES.items()]
    lines += ["", "Their columns:", "", "| column | meaning |", "|---|---|"]
    lines += [f"| `{c}` | {meaning} |" for c, meaning in COLUMNS.items()]
    lines += ["", "## `observations.csv`", "", "Every figure of the source, one row per observation:", "",
              "| column | meaning |", "|---|---|"]
    lines += [f"| `{c}` | {meaning} |" for c, meaning in OBSERVATION_COLUMNS.items()]
    return "\n".join(lines) + "\n"
