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

import csv
import json
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from cqkg.errors import CqkgError
from cqkg.namespaces import CURATED_GRAPH, GRAPH, ID

ROR = "https://ror.org/"
WIKIDATA = "http://www.wikidata.org/entity/"
RECORDS_REPO = "https://github.com/ror-community/ror-records"
ROR_GRAPH = GRAPH + "links/ror"
WIKIDATA_GRAPH = GRAPH + "links/wikidata"
GEOMETRY = ID + "geometry/"
COLUMNS = ("cqkg_iri", "ror_id", "verified_on", "note")

CQ = "https://w3id.org/cqkg/def/"
SKOS = "http://www.w3.org/2004/02/skos/core#"
GEO = "http://www.opengis.net/ont/geosparql#"
RDFS_LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"

_ROR_ID = re.compile(r"^0[a-hj-km-np-tv-z0-9]{6}[0-9]{2}$")
_QID = re.compile(r"^Q[1-9][0-9]*$")
_RELEASE = re.compile(r"^v\d+(\.\d+)*$")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


@dataclass
class Record:
    """What cqkg takes from one ROR record."""

    ror_id: str
    path: Path
    release: str | None
    status: str
    display: str
    names: list[tuple[str, str | None, str]]  # (value, lang, kind: label|alias|acronym)
    established: int | None
    country_code: str | None
    country_name: str | None
    city: str | None
    lat: float | None
    lng: float | None
    wikidata: list[str]
    wikidata_preferred: str | None
    modified: str | None
    schema: str


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
                if value == CQ + "Country":
                    countries.add(s)
            elif p in (RDFS_LABEL, SKOS + "altLabel", SKOS + "prefLabel"):
                name = (value, getattr(o, "language", None) or "")
                seen.labels.setdefault(s, set()).add(name)
                if p == RDFS_LABEL:
                    seen.preferred.setdefault(s, set()).add(name)
            elif p == CQ + "country":
                seen.country.setdefault(s, set()).add(value)
            elif p == CQ + "foundingYear":
                seen.founding.setdefault(s, set()).add(value)
            elif p == GEO + "hasGeometry":
                seen.geometry.setdefault(s, set()).add(value)
            elif p in (SKOS + "exactMatch", "http://www.w3.org/2002/07/owl#sameAs"):
                seen.links.setdefault(s, set()).add(value)
            elif p == SKOS + "notation":
                notations.setdefault(s, set()).add(value)
        for country in countries:
            for code in notations.get(country, ()):
                seen.countries_by_code[code] = country
        return seen


@dataclass
class Mapping:
    iri: str
    ror_id: str
    verified_on: str
    note: str
    exclude: set[str]
    line: int


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

def read_mapping(path: Path) -> list[Mapping]:
    """Read the reviewed mapping TSV; raises CqkgError naming the file and line of a bad row."""
    try:
        with open(path, encoding="utf-8", newline="") as stream:
            numbered = [(n, line) for n, line in enumerate(stream, start=1) if line.strip() and not line.startswith("#")]
    except OSError as error:
        raise CqkgError(f"{path}: cannot read the mapping: {error.strerror or error}") from None
    reader = csv.DictReader([line for _, line in numbered], delimiter="\t")
    missing = set(COLUMNS) - set(reader.fieldnames or ())
    if missing:
        raise CqkgError(f"{path}: not a ROR mapping (missing columns {', '.join(sorted(missing))})")
    rows, seen = [], {}
    for index, row in enumerate(reader, start=1):
        number = numbered[index][0]
        iri, ror_id = (row.get("cqkg_iri") or "").strip(), (row.get("ror_id") or "").strip()
        ror_id = ror_id.removeprefix(ROR)
        if not iri.startswith(ID + "org/"):
            raise CqkgError(f"{path}:{number}: {iri!r} is not a cqkg organisation IRI")
        if not _ROR_ID.match(ror_id):
            raise CqkgError(f"{path}:{number}: {ror_id!r} is not a ROR ID")
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", (row.get("verified_on") or "").strip()):
            raise CqkgError(f"{path}:{number}: verified_on must be a date YYYY-MM-DD")
        if iri in seen:
            raise CqkgError(f"{path}:{number}: {iri} is mapped twice (also on line {seen[iri]})")
        seen[iri] = number
        exclude = {n.strip() for n in (row.get("exclude_names") or "").split("|") if n.strip()}
        rows.append(Mapping(iri, ror_id, row["verified_on"].strip(), (row.get("note") or "").strip(), exclude, number))
    return rows


def read_records(paths: list[Path], wanted: set[str] | None = None) -> dict[str, Record]:
    """Read ROR JSON records from files and folders (recursively); the latest release wins.

    In folders, only the files named after a ``wanted`` ROR ID are read (all when None), so a
    whole checkout of ror-records can be given.
    """
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files += sorted(p for p in path.rglob("*.json") if wanted is None or p.stem in wanted)
        elif path.is_file():
            files.append(path)
        else:
            raise CqkgError(f"{path}: no such file or folder")
    records: dict[str, Record] = {}
    for path in files:
        record = read_record(path)
        old = records.get(record.ror_id)
        if old is None or _release_key(record.release) > _release_key(old.release):
            records[record.ror_id] = record
    return records


def read_record(path: Path) -> Record:
    """Read one ROR record file (schema v2 or v1); raises CqkgError with the file and reason."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as error:
        raise CqkgError(f"{path}: cannot read: {error.strerror or error}") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as error:
        raise CqkgError(f"{path}: not JSON: {error}") from None
    if not isinstance(data, dict) or not isinstance(data.get("id"), str) or not data["id"].startswith(ROR):
        raise CqkgError(f"{path}: not a ROR record (no https://ror.org/ id)")
    ror_id = data["id"][len(ROR):]
    if not _ROR_ID.match(ror_id):
        raise CqkgError(f"{path}: malformed ROR id {data['id']!r}")
    release = path.parent.name if _RELEASE.match(path.parent.name) else None
    try:
        if "names" in data:
            return _record_v2(data, ror_id, path, release)
        if "name" in data:
            return _record_v1(data, ror_id, path, release)
    except (KeyError, TypeError, ValueError, AttributeError, IndexError) as error:
        raise CqkgError(f"{path}: malformed ROR record ({type(error).__name__}: {error})") from None
    raise CqkgError(f"{path}: not a ROR record (neither 'names' nor 'name')")


def _record_v2(data: dict, ror_id: str, path: Path, release: str | None) -> Record:
    names, display = [], None
    for name in data["names"]:
        types = name["types"]
        if "ror_display" in types:
            display = name["value"]
        kind = "acronym" if "acronym" in types else "alias" if "alias" in types else "label"
        names.append((name["value"], name.get("lang"), kind))
    if display is None:
        raise ValueError("no ror_display name")
    location = (data.get("locations") or [{}])[0].get("geonames_details") or {}
    wikidata = [e for e in data.get("external_ids") or [] if e.get("type") == "wikidata"]
    return Record(
        ror_id=ror_id, path=path, release=release, status=data["status"], display=display, names=names,
        established=_year(data.get("established")),
        country_code=location.get("country_code"), country_name=location.get("country_name"),
        city=location.get("name"), lat=_float(location.get("lat")), lng=_float(location.get("lng")),
        wikidata=list(wikidata[0]["all"]) if wikidata else [],
        wikidata_preferred=wikidata[0].get("preferred") if wikidata else None,
        modified=((data.get("admin") or {}).get("last_modified") or {}).get("date"),
        schema="2")


def _record_v1(data: dict, ror_id: str, path: Path, release: str | None) -> Record:
    names = [(data["name"], None, "label")]
    names += [(alias, None, "alias") for alias in data.get("aliases") or []]
    names += [(acronym, None, "acronym") for acronym in data.get("acronyms") or []]
    names += [(label["label"], label.get("iso639"), "label") for label in data.get("labels") or []]
    address = (data.get("addresses") or [{}])[0]
    country = data.get("country") or {}
    wikidata = (data.get("external_ids") or {}).get("Wikidata") or {}
    return Record(
        ror_id=ror_id, path=path, release=release, status=data["status"], display=data["name"], names=names,
        established=_year(data.get("established")),
        country_code=country.get("country_code"), country_name=country.get("country_name"),
        city=address.get("city"), lat=_float(address.get("lat")), lng=_float(address.get("lng")),
        wikidata=list(wikidata.get("all") or []), wikidata_preferred=wikidata.get("preferred"),
        modified=None, schema="1")


def _year(value) -> int | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int) or not 1000 <= value <= 2100:
        raise ValueError(f"established is not a year: {value!r}")
    return value


def _float(value) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise ValueError(f"coordinate is not a number: {value!r}")
    return float(value)


def _release_key(release: str | None) -> tuple:
    return tuple(int(part) for part in release[1:].split(".")) if release else ()


# ---------------------------------------------------------------------------
# -- Deciding what to write --
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
        if not any(t.startswith(CQ) for t in types):
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
            facts.append("skos:altLabel " + " , ".join(f"{_literal(v)}@{lang}" for v, lang in sorted(alt)))
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
        record_file = _record_file(record, commit)
        if record_file:
            sources.append(f"<{record_file}>")
            record_blocks.append(_record_block(record, record_file, commit, stamp))
        if facts:
            blocks.append(_block(f"<{row.iri}>", facts + ["dcterms:source " + " , ".join(sources)]))
        if geometry:
            preferred = existing.preferred.get(row.iri, set())
            en = _label(preferred, "en") or record.display
            zh = _label(preferred, "zh") or en
            place = record.city or record.country_name or "?"
            blocks.append(_block(f"<{geometry}>", [
                "a geo:Geometry",
                f'rdfs:label {_literal(f"Location of {en} (ROR: {place})")}@en , '
                f'{_literal(f"{zh}的位置（ROR：{place}）")}@zh',
                f'geo:asWKT "POINT({_number(record.lng)} {_number(record.lat)})"^^geo:wktLiteral',
                f"rdfs:comment {_literal(f'The point of the GeoNames place ROR gives as the location of the organisation ({place}), not of its own premises.')}@en",
                "dcterms:source " + " , ".join(sources)]))
    text = _render(blocks, record_blocks, ror_links, wikidata_links, commit, stamp, mapping_path)
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


def _record_file(record: Record, commit: str | None) -> str | None:
    if not record.release:
        return None
    ref = commit or record.release
    return f"{RECORDS_REPO}/blob/{ref}/{record.release}/{record.ror_id}.json"


def _record_block(record: Record, record_file: str, commit: str | None, stamp: str) -> str:
    facts = ["a prov:Entity", f"dcterms:isVersionOf <{ROR}{record.ror_id}>",
             f"dcterms:isPartOf <{RECORDS_REPO}/tree/{commit or record.release}/{record.release}>"]
    if record.modified:
        facts.append(f'dcterms:modified "{record.modified}"^^xsd:date')
    facts.append(f'prov:generatedAtTime "{stamp}"^^xsd:dateTime')
    facts.append(f'rdfs:comment {_literal(f"ROR record {record.ror_id}, schema v{record.schema}, release {record.release}, read by cqkg import ror.")}@en')
    return _block(f"<{record_file}>", facts)


def _render(blocks, record_blocks, ror_links, wikidata_links, commit, stamp, mapping_path) -> str:
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
        "@prefix cq:      <https://w3id.org/cqkg/def/> .",
        "@prefix dcterms: <http://purl.org/dc/terms/> .",
        "@prefix geo:     <http://www.opengis.net/ont/geosparql#> .",
        "@prefix prov:    <http://www.w3.org/ns/prov#> .",
        "@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .",
        "@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .",
        "@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .",
        "",
        f"<{CURATED_GRAPH}> {{",
        "",
        _block(f"<{WIKIDATA_GRAPH}>", [
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


def _block(subject: str, facts: list[str]) -> str:
    return subject + "\n" + " ;\n".join("    " + fact for fact in facts) + " .\n"


def _literal(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _number(value: float) -> str:
    return repr(float(value))


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
