"""Score external records against cqkg's entities, with the evidence for every score.

Candidates come from shared name keys (normalised names, Chinese converted to
simplified script, and for places also the name without its generic suffix and its
pinyin), so each record is compared with a handful of entities, never all of them.
A candidate is then scored:

- name: 60 for a full normalised name in common, 45 for a place-name variant only;
- kind: +20 same kind, +10 related (university and research institute), and a
  rejection when the kinds are incompatible (a university is not a hospital, a
  district is not an organisation);
- location: +20 when the record is in Chongqing, +5 for the right country, −40 for
  the wrong country (a foreign company's Chinese subsidiary, a namesake abroad);
- founding year: +10 when equal, −20 when they differ by more than a year;
- gazetteer features: −30 when an administrative division meets a feature that is
  not one (GeoNames keeps the city of Chongqing, a populated place, apart from the
  province-level municipality).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from opencc import OpenCC
from pypinyin import lazy_pinyin

from cqkg.link.records import Record
from cqkg.namespaces import ID
from cqkg.search.fold import normalise
from cqkg.store import KnowledgeGraph

_T2S = OpenCC("t2s")
CJK = re.compile(r"[\u4e00-\u9fff]")
EN_SUFFIXES = re.compile(r"\b(district|county|autonomous county|municipality|city|new area)\b", re.I)
ZH_SUFFIXES = re.compile(r"(自治县|新区|区|县|市)$")
KIND_OF_CLASS = {  # our class (local name) → kind, most specific first
    "HigherEducationInstitution": "university", "ResearchOrganisation": "research", "Enterprise": "company",
    "Place": "place", "Expo": "event",
}
RELATED = {frozenset({"university", "research"})}


@dataclass
class Target:
    """One of our entities, as matching sees it."""

    iri: str
    label: str
    kind: str
    names: list[tuple[str, str]] = field(default_factory=list)
    in_chongqing: bool = False
    foreign: bool = False
    division: bool = False
    founded: int | None = None
    links: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class Proposal:
    """A proposed link: our entity, the external record, the score and its evidence."""

    score: int
    iri: str
    label: str
    external: str
    external_label: str
    evidence: str
    source: str


def name_keys(name: str, lang: str, place: bool) -> dict[str, int]:
    """Keys for ``name``: {key: points}, 60 for the full name, 45 for place-name variants."""
    simplified = _T2S.convert(name) if CJK.search(name) else name
    keys = {normalise(simplified): 60}
    if place:
        if CJK.search(simplified):
            bare = ZH_SUFFIXES.sub("", simplified)
            keys.setdefault(normalise(bare), 45)
            keys.setdefault("".join(lazy_pinyin(bare)), 45)
        else:
            keys.setdefault(normalise(EN_SUFFIXES.sub("", name)), 45)
    keys.pop("", None)
    return keys


class Matcher:
    """Our entities indexed by name key; ``propose`` scores a record against the candidates it shares keys with."""

    def __init__(self, kg: KnowledgeGraph):
        self.targets: dict[str, Target] = {}
        self.index: dict[str, dict[str, int]] = {}  # name key → {entity IRI: points of that key}
        self._load(kg)

    def _load(self, kg: KnowledgeGraph) -> None:
        kinds = " ".join(f"(cq:{cls} \"{kind}\")" for cls, kind in KIND_OF_CLASS.items())
        for row in kg.select(f"""
            SELECT ?e ?kind ?label ?name WHERE {{
                VALUES (?class ?kind) {{ {kinds} }}
                ?e a ?class ; rdfs:label ?label . FILTER(LANG(?label) = "en")
                {{ ?e rdfs:label ?name }} UNION {{ ?e skos:altLabel ?name }}
                FILTER(STRSTARTS(STR(?e), "{ID}"))
            }}"""):
            target = self.targets.setdefault(row["e"], Target(row["e"], row["label"], row["kind"]))
            if row["kind"] in ("university", "research") and target.kind == "company":
                target.kind = row["kind"]
            if row["name"] not in [n for n, _ in target.names]:
                target.names.append((row["name"], ""))
        for row in kg.select("SELECT ?e WHERE { ?e cq:locatedIn cqplace:chongqing }"):
            if row["e"] in self.targets:
                self.targets[row["e"]].in_chongqing = True
        for row in kg.select("SELECT ?e WHERE { ?e a cq:ForeignEnterprise }"):
            if row["e"] in self.targets:
                self.targets[row["e"]].foreign = True
        for row in kg.select("SELECT ?e WHERE { ?e a cq:AdministrativeDivision }"):
            if row["e"] in self.targets:
                self.targets[row["e"]].division = True
        for row in kg.select("SELECT ?e ?y WHERE { ?e cq:foundingYear ?y }"):
            if row["e"] in self.targets:
                self.targets[row["e"]].founded = int(str(row["y"])[:4])
        for row in kg.select("SELECT ?e ?x WHERE { ?e skos:exactMatch|owl:sameAs|skos:closeMatch ?x }"):
            if row["e"] in self.targets:
                self.targets[row["e"]].links.add(row["x"])
        self.targets[ID + "place/chongqing"].in_chongqing = True
        for target in self.targets.values():
            for name, lang in target.names:
                for key, points in name_keys(name, lang, target.kind == "place").items():
                    entry = self.index.setdefault(key, {})
                    entry[target.iri] = max(points, entry.get(target.iri, 0))

    def candidates(self, record: Record) -> dict[str, int]:
        """{our entity IRI: name points} for the entities sharing a name key with ``record``."""
        found: dict[str, int] = {}
        place = "place" in record.kinds or not record.kinds
        for name, lang in record.names:
            for key, points in name_keys(name, lang, place).items():
                for iri, target_points in self.index.get(key, {}).items():
                    found[iri] = max(found.get(iri, 0), min(points, target_points))
        return found

    def propose(self, record: Record, minimum: int = 50) -> list[Proposal]:
        """The proposals for ``record`` scoring at least ``minimum``, best first."""
        proposals = []
        for iri, name_points in self.candidates(record).items():
            target = self.targets[iri]
            score, evidence = self._score(target, record, name_points)
            if score >= minimum:
                proposals.append(Proposal(score, iri, target.label, record.iri, record.label(), evidence, record.source))
        return sorted(proposals, key=lambda p: (-p.score, p.iri))

    def _score(self, target: Target, record: Record, name_points: int) -> tuple[int, str]:
        evidence = [f"name {'exact' if name_points == 60 else 'variant'} (+{name_points})"]
        score = name_points
        kinds = record.kinds - {"other"} - {k for k in record.kinds if k.startswith("feature:")}
        if kinds:
            if target.kind in kinds:
                score += 20
                evidence.append(f"kind {target.kind} (+20)")
            elif any(frozenset({target.kind, k}) in RELATED for k in kinds):
                score += 10
                evidence.append(f"kind {target.kind}~{'/'.join(sorted(kinds))} (+10)")
            else:
                return 0, f"kind {target.kind} ≠ {'/'.join(sorted(kinds))}: rejected"
        features = [k.split(":", 1)[1] for k in record.kinds if k.startswith("feature:")]
        if target.division and features and not any(f.startswith("A.") for f in features):
            score -= 30
            evidence.append(f"feature {features[0]} is not an administrative division (−30)")
        if any(normalise(p) in ("chongqing", "重庆", "重庆市") for p in record.places if not p.startswith("http")):
            score += 20
            evidence.append("in Chongqing (+20)")
        if record.country:
            expected_cn = target.in_chongqing and not target.foreign
            if (record.country == "CN") == expected_cn or (target.foreign and record.country != "CN"):
                score += 5
                evidence.append(f"country {record.country} (+5)")
            elif target.foreign and record.country == "CN":
                score -= 40
                evidence.append("country CN for a foreign enterprise: a subsidiary? (−40)")
            elif target.in_chongqing:
                score -= 40
                evidence.append(f"country {record.country}, not China (−40)")
        if record.founded and target.founded:
            if abs(record.founded - target.founded) <= 1:
                score += 10
                evidence.append(f"founded {record.founded} (+10)")
            else:
                score -= 20
                evidence.append(f"founded {record.founded} ≠ {target.founded} (−20)")
        return max(0, min(100, score)), "; ".join(evidence)
