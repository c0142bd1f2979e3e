"""The inputs of ``cqkg import ror``: the reviewed mapping of cqkg organisations to ROR IDs (TSV),
and ROR's JSON records (schema v2, and v1 for records ROR has not re-released since schema v2
came out), of which only what cqkg takes is kept."""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path

from cqkg.errors import CqkgError
from cqkg.namespaces import ID, REGISTRIES

ROR = REGISTRIES["ror"][0]
COLUMNS = ("cqkg_iri", "ror_id", "verified_on", "note")

ROR_ID = re.compile(r"^0[a-hj-km-np-tv-z0-9]{6}[0-9]{2}$")
_RELEASE = re.compile(r"^v\d+(\.\d+)*$")


@dataclass
class Mapping:
    iri: str
    ror_id: str
    verified_on: str
    note: str
    exclude: set[str]
    line: int


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
    if not ROR_ID.match(ror_id):
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
        if not ROR_ID.match(ror_id):
            raise CqkgError(f"{path}:{number}: {ror_id!r} is not a ROR ID")
        if not re.match(r"^\d{4}-\d{2}-\d{2}$", (row.get("verified_on") or "").strip()):
            raise CqkgError(f"{path}:{number}: verified_on must be a date YYYY-MM-DD")
        if iri in seen:
            raise CqkgError(f"{path}:{number}: {iri} is mapped twice (also on line {seen[iri]})")
        seen[iri] = number
        exclude = {n.strip() for n in (row.get("exclude_names") or "").split("|") if n.strip()}
        rows.append(Mapping(iri, ror_id, row["verified_on"].strip(), (row.get("note") or "").strip(), exclude, number))
    return rows
