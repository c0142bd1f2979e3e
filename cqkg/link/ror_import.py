"""``cqkg import ror``: organisation facts and links from ROR's JSON records.

Reads ROR records (schema v2, and v1 for records ROR has not re-released since
schema v2 came out) and a reviewed mapping of cqkg organisations to ROR IDs (a TSV
with the columns ``cqkg_iri``, ``ror_id``, ``verified_on``, ``note`` and optionally
``exclude_names``), and writes TriG:

- ``graph/links/ror``: ``skos:exactMatch <https://ror.org/ID>``;
- ``graph/links/wikidata``: ``skos:exactMatch`` to the Wikidata item the record
  names (its preferred one, or its only one);
- ``graph/curated``: the country (``cq:country``, a ``cq:Country`` found by its ISO
  3166 code in ``skos:notation``), the founding year (``cq:foundingYear`` from
  ``established``), aliases and acronyms (``skos:altLabel`` with their language) and
  the coordinates (a GeoSPARQL ``geo:Geometry`` with a WKT point), each organisation
  citing ``https://ror.org/ID`` and the record file it was read from, which in turn
  records the release, the commit of ror-records and when it was read.

A fact the data already states is not repeated; a functional fact (country,
founding year, geometry, ROR or Wikidata link) the data states with another value is
reported as a conflict and the curated value is kept. Bad input raises CqkgError
with ``file: reason`` (the CLI prints one line and exits 2).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from cqkg.errors import CqkgError
from cqkg.link import ror_trig as trig
from cqkg.link.ror_records import Mapping, Record, read_mapping, read_records
from cqkg.namespaces import (DEF, ID, OWL_SAME_AS, RDF_TYPE, RDFS_LABEL, REGISTRIES, SKOS,
                             term)

ROR = REGISTRIES["ror"][0]
WIKIDATA = REGISTRIES["wikidata"][0]
GEOMETRY = ID + "geometry/"


_QID = re.compile(r"^Q[1-9][0-9]*$")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")




@dataclass
class Existing:
    """The facts the data already states about the mapped organisations."""

    types: dict[str, set[str]] = field(default_factory=dict)
    labels: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # iri → {(value, lang)}, all names
    preferred: dict[str, set[tuple[str, str]]] = field(default_factory=dict)  # iri → {(value, lang)}, rdfs:label
    country: dict[str, set[str]] = field(default_factory=dict)
    founding: dict[str, set[str]] = field(default_factory=dict)
    geometry: dict[str, set[str]] = field(default_factory=dict)
    links: dict[str, set[str]] = field(default_factory=dict)
    countries_by_code: dict[str, str] = field(default_factory=dict)  # ISO code → cq:Country IRI

    @classmethod
    def from_quads(cls, quads) -> "Existing":
        seen = cls()
        countries, notations = set(), {}
        for quad in quads:
            s, p, o = quad.subject, quad.predicate.value, quad.object
            if not hasattr(s, "value") or type(s).__name__ != "NamedNode":
                continue
            s = s.value
            value = getattr(o, "value", None)
            if p == RDF_TYPE:
                seen.types.setdefault(s, set()).add(value)
                if value == term("cq:Country"):
                    countries.add(s)
            elif p in (RDFS_LABEL, SKOS + "altLabel", SKOS + "prefLabel"):
                name = (value, getattr(o, "language", None) or "")
                seen.labels.setdefault(s, set()).add(name)
                if p == RDFS_LABEL:
                    seen.preferred.setdefault(s, set()).add(name)
            elif p == term("cq:country"):
                seen.country.setdefault(s, set()).add(value)
            elif p == term("cq:foundingYear"):
                seen.founding.setdefault(s, set()).add(value)
            elif p == term("geo:hasGeometry"):
                seen.geometry.setdefault(s, set()).add(value)
            elif p in (SKOS + "exactMatch", OWL_SAME_AS):
                seen.links.setdefault(s, set()).add(value)
            elif p == SKOS + "notation":
                notations.setdefault(s, set()).add(value)
        for country in countries:
            for code in notations.get(country, ()):
                seen.countries_by_code[code] = country
        return seen




@dataclass
class Result:
    text: str
    organisations: int
    counts: dict[str, int]
    conflicts: list[str]
    notes: list[str]


# ---------------------------------------------------------------------------
# -- Reading --
# ---------------------------------------------------------------------------

def build(mapping: list[Mapping], records: dict[str, Record], existing: Existing, *, mapping_path: Path,
          commit: str | None = None, read_at: datetime | None = None) -> Result:
    """Decide the facts to write for each mapped organisation and render them as TriG."""
    read_at = (read_at or datetime.now(timezone.utc)).astimezone(timezone.utc).replace(microsecond=0)
    stamp = read_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    conflicts, notes = [], []
    blocks, record_blocks, ror_links, wikidata_links = [], [], [], []
    counts = {"ror": 0, "wikidata": 0, "country": 0, "foundingYear": 0, "altLabel": 0, "geometry": 0}
    imported = 0
    for row in mapping:
        where = f"{mapping_path}:{row.line}"
        record = records.get(row.ror_id)
        if record is None:
            raise CqkgError(f"{where}: no record for ROR {row.ror_id} among the records given")
        types = existing.types.get(row.iri, set())
        if not any(t.startswith(DEF) for t in types):
            raise CqkgError(f"{where}: {row.iri} is not an organisation of the data")
        if record.status == "withdrawn":
            conflicts.append(f"{where}: ROR {row.ror_id} is withdrawn; nothing imported for {_slug(row.iri)}")
            continue
        known_ror = {link for link in existing.links.get(row.iri, ()) if link.startswith(ROR)}
        if known_ror - {ROR + row.ror_id}:
            conflicts.append(f"{where}: {_slug(row.iri)} is already linked to {', '.join(sorted(known_ror))}, "
                             f"not {ROR + row.ror_id}; kept the existing link, nothing imported")
            continue
        imported += 1
        facts: list[str] = []
        ror_links.append(f"<{row.iri}> skos:exactMatch <{ROR}{row.ror_id}> .")
        counts["ror"] += 1

        qid = _wikidata(record)
        if qid is None and record.wikidata:
            notes.append(f"{where}: ROR {row.ror_id} names several Wikidata items {record.wikidata} "
                         "and prefers none; none linked")
        if qid:
            known = {link for link in existing.links.get(row.iri, ()) if link.startswith(WIKIDATA)}
            if known - {WIKIDATA + qid}:
                conflicts.append(f"{where}: {_slug(row.iri)} already links to {', '.join(sorted(known))}; "
                                 f"ROR says {qid}: kept the curated link")
            else:
                wikidata_links.append(f"<{row.iri}> skos:exactMatch <{WIKIDATA}{qid}> .")
                counts["wikidata"] += 1

        if record.country_code:
            country = existing.countries_by_code.get(record.country_code)
            if country is None:
                raise CqkgError(f"{where}: no cq:Country with skos:notation {record.country_code!r} "
                                f"in the data (ROR {row.ror_id}); add it first")
            known = existing.country.get(row.iri, set())
            if _is_new(known, country, conflicts,
                       f"{where}: {_slug(row.iri)} has country {', '.join(sorted(known))}; "
                       f"ROR {row.ror_id} says {record.country_code}: kept the curated country"):
                facts.append(f"cq:country <{country}>")
                counts["country"] += 1

        if record.established is not None:
            year = f"{record.established:04d}"
            known = existing.founding.get(row.iri, set())
            if _is_new(known, year, conflicts,
                       f"{where}: {_slug(row.iri)} has founding year {', '.join(sorted(known))}; "
                       f"ROR {row.ror_id} says {year}: kept the curated year"):
                facts.append(f'cq:foundingYear "{year}"^^xsd:gYear')
                counts["foundingYear"] += 1

        labels = existing.labels.get(row.iri, set())
        alt = []
        for value, lang in _names(record, row, notes, where):
            if (value, lang) in labels or (value, lang) in alt:
                continue
            alt.append((value, lang))
        if alt:
            facts.append("skos:altLabel " + " , ".join(f"{trig.literal(v)}@{lang}" for v, lang in sorted(alt)))
            counts["altLabel"] += len(alt)

        geometry = None
        if record.lat is not None and record.lng is not None:
            geometry = f"{GEOMETRY}org-{_slug(row.iri)}"
            if existing.geometry.get(row.iri, set()) - {geometry}:
                conflicts.append(f"{where}: {_slug(row.iri)} already has a geometry; "
                                 f"kept it, ROR's point ({record.lng} {record.lat}) not imported")
                geometry = None
            elif existing.geometry.get(row.iri):
                geometry = None  # the data already has this very geometry
            else:
                facts.append(f"geo:hasGeometry <{geometry}>")
                counts["geometry"] += 1

        sources = [f"<{ROR}{row.ror_id}>"]
        record_file = trig.record_file(record, commit)
        if record_file:
            sources.append(f"<{record_file}>")
            record_blocks.append(trig.record_block(record, record_file, commit, stamp))
        if facts:
            blocks.append(trig.block(f"<{row.iri}>", facts + ["dcterms:source " + " , ".join(sources)]))
        if geometry:
            preferred = existing.preferred.get(row.iri, set())
            en = _label(preferred, "en") or record.display
            zh = _label(preferred, "zh") or en
            place = record.city or record.country_name or "?"
            blocks.append(trig.block(f"<{geometry}>", [
                "a geo:Geometry",
                f'rdfs:label {trig.literal(f"Location of {en} (ROR: {place})")}@en , '
                f'{trig.literal(f"{zh}的位置（ROR：{place}）")}@zh',
                f'geo:asWKT "POINT({trig.number(record.lng)} {trig.number(record.lat)})"^^geo:wktLiteral',
                f"rdfs:comment {trig.literal(f'The point of the GeoNames place ROR gives as the location of the organisation ({place}), not of its own premises.')}@en",
                "dcterms:source " + " , ".join(sources)]))
    text = trig.render(blocks, record_blocks, ror_links, wikidata_links, commit, stamp, mapping_path)
    return Result(text, imported, counts, conflicts, notes)


def _wikidata(record: Record) -> str | None:
    candidates = [q for q in record.wikidata if _QID.match(q)]
    if record.wikidata_preferred and _QID.match(record.wikidata_preferred):
        return record.wikidata_preferred
    return candidates[0] if len(candidates) == 1 else None


def _names(record: Record, row: Mapping, notes: list[str], where: str):
    """Yield (value, language) for each name of the record worth an altLabel."""
    country = re.sub(r"^The ", "", record.country_name or "") or "-"
    disambiguated = re.compile(r"^.+ \((The )?" + re.escape(country) + r"\)$")
    for value, lang, kind in record.names:
        value = unicodedata.normalize("NFC", value.strip())
        if not value or value in row.exclude:
            continue
        if kind == "label" and disambiguated.match(value):
            continue  # ROR's "Company (Country)" display names are not names of the company
        if lang:
            lang = lang.lower()
        elif _CJK.search(value):
            lang = "zh"
        elif value.isascii():
            lang = "en"
        else:
            notes.append(f"{where}: {value!r} of ROR {record.ror_id} has no language and is not ASCII; not imported")
            continue
        yield value, lang


def _label(labels: set[tuple[str, str]], lang: str) -> str | None:
    values = sorted(v for v, language in labels if language == lang)
    return values[0] if values else None


def _is_new(known: set[str], value: str, conflicts: list[str], conflict: str) -> bool:
    """True if no curated value exists for a functional fact; a different curated value is reported, never replaced."""
    if known and value not in known:
        conflicts.append(conflict)
    return not known


def _slug(iri: str) -> str:
    return iri.rsplit("/", 1)[1]


# ---------------------------------------------------------------------------
# -- The command --
# ---------------------------------------------------------------------------

def run(root: Path, record_paths: list[Path], mapping_path: Path, out: Path | None, commit: str | None = None,
        read_at: datetime | None = None, log=print) -> Result:
    """Import: read the data below ``root`` (less ``out``), the records and the mapping; write ``out``."""
    from cqkg.build.load import input_files, parse_file

    if commit is not None and not re.match(r"^[0-9a-f]{7,40}$", commit):
        raise CqkgError(f"--commit {commit!r} is not a git commit id")
    mapping = read_mapping(mapping_path)
    records = read_records(record_paths, {row.ror_id for row in mapping})
    skip = out.resolve() if out else None
    quads = []
    for path in input_files(root):
        if path.suffix == ".trig" and path.resolve() != skip:
            quads += parse_file(path, root)
    existing = Existing.from_quads(quads)
    result = build(mapping, records, existing, mapping_path=mapping_path, commit=commit, read_at=read_at)
    for line in result.conflicts:
        log(f"conflict: {line}")
    for line in result.notes:
        log(f"note: {line}")
    if out:
        out.write_text(result.text, encoding="utf-8")
    return result
