"""Read a GeoNames dump (tab-separated, as in allCountries.txt or CN.txt) as a stream of places."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from cqkg.link.records import Record, open_text

FEATURE = "https://sws.geonames.org/"
#: Feature classes: A administrative areas, P populated places, S spots (buildings, schools), L areas.
KIND_OF_CLASS = {"A": "place", "P": "place", "L": "place", "S": "other"}


def read(path: Path) -> Iterator[Record]:
    """Yield a Record for each line (feature) of the dump at ``path`` (.txt, .gz or .bz2)."""
    with open_text(path) as lines:
        for line in lines:
            fields = line.rstrip("\n").split("\t")
            if len(fields) < 19 or not fields[0].isdigit():
                continue
            yield to_record(fields)


def to_record(fields: list[str]) -> Record:
    """The Record of one GeoNames line (19 tab-separated fields)."""
    geonameid, name, asciiname, alternates = fields[0], fields[1], fields[2], fields[3]
    record = Record("geonames", f"{FEATURE}{geonameid}/")
    record.names = [(name, ""), (asciiname, "en")] + [(a, "") for a in alternates.split(",") if a]
    record.kinds = {KIND_OF_CLASS.get(fields[6], "other")}
    record.kinds.add(f"feature:{fields[6]}.{fields[7]}")
    record.country = fields[8] or None
    record.places = {f"admin1:{fields[8]}.{fields[10]}"} if fields[10] else set()
    return record
