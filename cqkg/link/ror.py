"""Read a ROR data dump (a JSON array of organisation records, schema v1 or v2) as a stream.

The array is parsed incrementally (ijson), so a dump of any size is never held in
memory at once.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import ijson

from cqkg.link.records import Record, open_binary

KIND_OF_TYPE = {"education": "university", "facility": "research", "company": "company", "healthcare": "hospital",
                "government": "other", "nonprofit": "other", "funder": "other", "archive": "other", "other": "other"}
GEONAMES = "https://sws.geonames.org/"


def read(path: Path) -> Iterator[Record]:
    """Yield a Record for each organisation of the ROR dump at ``path`` (.json, .gz or .bz2)."""
    with open_binary(path) as stream:
        for item in ijson.items(stream, "item"):
            yield to_record(item)


def to_record(item: dict) -> Record:
    """The Record of one ROR organisation (v2 ``names``/``locations`` or v1 ``name``/``addresses``)."""
    record = Record("ror", item["id"])
    if "names" in item:  # schema v2
        for name in item["names"]:
            record.names.append((name["value"], name.get("lang") or ""))
        for location in item.get("locations", []):
            record.places.add(GEONAMES + str(location["geonames_id"]) + "/")
            details = location.get("geonames_details", {})
            record.places.add(details.get("name", ""))
            record.country = details.get("country_code", record.country)
    else:  # schema v1
        record.names.append((item["name"], "en"))
        record.names += [(alias, "en") for alias in item.get("aliases", [])]
        record.names += [(acronym, "en") for acronym in item.get("acronyms", [])]
        record.names += [(label["label"], label.get("iso639", "")) for label in item.get("labels", [])]
        for address in item.get("addresses", []):
            record.places.add(address.get("city", ""))
            city = address.get("geonames_city") or {}
            if city.get("id"):
                record.places.add(GEONAMES + str(city["id"]) + "/")
        record.country = (item.get("country") or {}).get("country_code")
    record.kinds = {KIND_OF_TYPE.get(t.lower(), "other") for t in item.get("types", [])}
    if item.get("established"):
        record.founded = int(item["established"])
    record.places.discard("")
    return record
