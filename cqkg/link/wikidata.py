"""Read a Wikidata JSON dump (or an extract of it) as a stream of records.

The official dumps hold one entity per line inside a JSON array: ``[``, then
``{...},`` lines, then ``]``. Only the fields matching needs are kept: labels and
aliases in English and Chinese, instance of (P31), located in (P131), country
(P17) and inception (P571).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from cqkg.link.records import Record, open_text

ENTITY = "http://www.wikidata.org/entity/"
LANGUAGES = ("en", "zh", "zh-hans", "zh-cn", "zh-hant", "zh-tw", "zh-hk")
#: instance-of (P31) classes and the kind they mean. Only general, stable classes.
KIND_OF_CLASS = {
    "Q3918": "university", "Q38723": "university", "Q875538": "university", "Q902104": "university",
    "Q31855": "research",
    "Q4830453": "company", "Q783794": "company", "Q891723": "company", "Q6881511": "company",
    "Q16917": "hospital",
    "Q515": "place", "Q1615742": "place",
}
CHINA = "Q148"


def read(path: Path) -> Iterator[Record]:
    """Yield a Record for each entity of the dump at ``path`` (.json, .json.gz or .json.bz2)."""
    with open_text(path) as lines:
        for line in lines:
            line = line.strip().rstrip(",")
            if not line or line in ("[", "]"):
                continue
            yield to_record(json.loads(line))


def to_record(entity: dict) -> Record:
    """The Record of one Wikidata entity (a dict in the dump's JSON shape)."""
    record = Record("wikidata", ENTITY + entity["id"])
    for lang in LANGUAGES:
        label = entity.get("labels", {}).get(lang)
        if label:
            record.names.append((label["value"], lang))
        for alias in entity.get("aliases", {}).get(lang, []):
            record.names.append((alias["value"], lang))
    claims = entity.get("claims", {})
    for qid in _item_values(claims, "P31"):
        record.kinds.add(KIND_OF_CLASS.get(qid, "other"))
    record.places.update(ENTITY + q for q in _item_values(claims, "P131"))
    countries = _item_values(claims, "P17")
    if countries:
        record.country = "CN" if CHINA in countries else "other"
    for value in _values(claims, "P571"):
        time = value.get("time", "")
        if len(time) >= 5 and time[1:5].isdigit():
            record.founded = int(time[1:5])
            break
    return record


def _values(claims: dict, prop: str) -> list:
    out = []
    for claim in claims.get(prop, []):
        snak = claim.get("mainsnak", {})
        if snak.get("snaktype") == "value":
            out.append(snak["datavalue"]["value"])
    return out


def _item_values(claims: dict, prop: str) -> list[str]:
    return [v["id"] for v in _values(claims, prop) if isinstance(v, dict) and "id" in v]
