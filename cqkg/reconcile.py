"""Reconciliation: match names from a spreadsheet against cqkg entities, and extend matched rows with data.

Framework-free logic behind the W3C Reconciliation Service API (version 0.2, which
OpenRefine 3.x speaks); ``cqkg.web.reconcile`` puts it on the web. Entity ids are the
part of the IRI after ``https://w3id.org/cqkg/id/`` (``org/cigit``).

Matching normalises names (Unicode NFKC, case, punctuation and spaces removed, "&"
read as "and") and scores each candidate label 0–100: 100 for an exact normalised
match, 80–95 when one name contains the other, else the similarity of the strings. A type constraint keeps only
entities of that class (subclasses included); a property constraint adds up to 10
points when the entity's value matches. A result is a ``match`` when it scores 100
and no other candidate does.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from cqkg.namespaces import ASSERTED_GRAPH, DEF, ID
from cqkg.store import KnowledgeGraph

#: Properties a spreadsheet can be extended with: id → (label, SPARQL path from the entity).
EXTENSION_PROPERTIES = {
    "label_en": ("English name", 'rdfs:label ?v FILTER(LANG(?v) = "en")'),
    "label_zh": ("Chinese name", 'rdfs:label ?v FILTER(LANG(?v) = "zh")'),
    "locatedIn": ("located in (place)", "cq:locatedIn ?v FILTER(STRSTARTS(STR(?v), \"" + ID + "place/\"))"),
    "district": ("district or county", "cq:locatedIn ?v . ?v a cq:AdministrativeDivision ; cq:locatedIn/a cq:Municipality"),
    "divisionCode": ("GB/T 2260 division code", "cq:divisionCode ?v"),
    "moeInstitutionCode": ("MOE institution code", "cq:moeInstitutionCode ?v"),
    "foundingYear": ("founding year", "cq:foundingYear ?v"),
    "website": ("website", "schema:url ?v"),
    "ror": ("ROR ID", 'skos:exactMatch ?v FILTER(STRSTARTS(STR(?v), "https://ror.org/"))'),
    "wikidata": ("Wikidata entity", 'skos:exactMatch|owl:sameAs ?v FILTER(STRSTARTS(STR(?v), "http://www.wikidata.org/entity/"))'),
}


def normalise(name: str) -> str:
    """Fold a name for comparison: NFKC, lower case, '&' as 'and', no punctuation or spaces."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("&", " and ")
    return re.sub(r"[\W_]+", "", text)


@dataclass
class Entity:
    """An entity as reconciliation sees it: id, preferred name, all names, classes and description."""

    id: str
    name: str
    names: list[str] = field(default_factory=list)
    types: set[str] = field(default_factory=set)
    description: str = ""


@dataclass(frozen=True)
class Candidate:
    """A scored candidate for one query."""

    entity: Entity
    score: float
    match: bool


class Reconciler:
    """The entities of the graph, indexed for matching, suggestion and extension."""

    def __init__(self, kg: KnowledgeGraph):
        self.kg = kg
        self.entities: dict[str, Entity] = {}
        self.type_names: dict[str, str] = {}
        self._load()

    def _load(self) -> None:
        rows = self.kg.select(f"""
            SELECT ?e ?type ?label WHERE {{
                GRAPH <{ASSERTED_GRAPH}> {{ ?e a ?asserted }}
                FILTER(STRSTARTS(STR(?e), "{ID}") && !STRSTARTS(STR(?e), "{ID}source/"))
                ?e a ?type .
                {{ ?e rdfs:label ?label }} UNION {{ ?e skos:altLabel ?label }}
            }}""")
        for row in rows:
            entity_id = row["e"][len(ID):]
            entity = self.entities.setdefault(entity_id, Entity(entity_id, ""))
            entity.types.add(row["type"])
            if row["label"] not in entity.names:
                entity.names.append(row["label"])
        for row in self.kg.select('SELECT ?e ?en ?zh WHERE { ?e rdfs:label ?en , ?zh FILTER(LANG(?en) = "en" && LANG(?zh) = "zh") }'):
            entity = self.entities.get(row["e"][len(ID):]) if row["e"].startswith(ID) else None
            if entity:
                entity.name, entity.description = row["en"], row["zh"]
        for row in self.kg.select(f'SELECT ?c ?l WHERE {{ ?c a owl:Class ; rdfs:label ?l FILTER(LANG(?l) = "en") FILTER(STRSTARTS(STR(?c), "{DEF}")) }}'):
            self.type_names[row["c"]] = row["l"]

    def reconcile(self, query: str, type_ids: tuple[str, ...] = (), limit: int = 5,
                  properties: list[dict] | None = None) -> list[Candidate]:
        """The best candidates for the name ``query``, best first, at most ``limit``.

        ``type_ids``: the types asked for (an entity of any of them qualifies). A
        query with no name is matched on its ``properties`` alone, 10 points a match.
        """
        wanted = normalise(query)
        types = tuple(t for t in type_ids if t)
        if not wanted and not properties:
            return []
        scored = []
        for entity in self.entities.values():
            if types and not entity.types.intersection(types):
                continue
            bonus = self._property_bonus(entity, properties or [])
            if not wanted:
                if bonus:
                    scored.append((bonus * 10 / max(1, len(properties)), entity))
                continue
            score = max((_similarity(wanted, normalise(name)) for name in entity.names), default=0)
            if score < 50:
                continue
            score = min(100.0, score + bonus)
            scored.append((score, entity))
        scored.sort(key=lambda item: (-item[0], item[1].id))
        top = scored[:limit]
        unique_exact = len([s for s, _ in scored if s >= 100]) == 1
        return [Candidate(entity, round(score, 1), score >= 100 and unique_exact and i == 0)
                for i, (score, entity) in enumerate(top)]

    def _property_bonus(self, entity: Entity, properties: list[dict]) -> float:
        bonus = 0.0
        for constraint in properties:
            pid, value = constraint.get("pid"), constraint.get("v")
            if pid not in EXTENSION_PROPERTIES or value in (None, ""):
                continue
            values = value if isinstance(value, list) else [value]
            wanted = {normalise(v["id"] if isinstance(v, dict) else str(v)) for v in values}
            have = set()
            for found in self.values([entity.id], pid).get(entity.id, []):
                have.add(normalise(str(found)))
                if isinstance(found, str) and found.startswith(ID) and found[len(ID):] in self.entities:
                    have.add(normalise(self.entities[found[len(ID):]].name))
                    have.add(normalise(found[len(ID):]))
            if wanted & have:
                bonus += 10
        return bonus

    def suggest(self, prefix: str, limit: int = 10) -> list[Entity]:
        """Entities with a name starting with (or containing) ``prefix``."""
        wanted = normalise(prefix)
        starts = [e for e in self.entities.values() if any(normalise(n).startswith(wanted) for n in e.names)]
        contains = [e for e in self.entities.values() if e not in starts and any(wanted in normalise(n) for n in e.names)]
        # Entities whose own name starts with the prefix come before those matched by another name.
        starts.sort(key=lambda e: (not normalise(e.name).startswith(wanted), e.name))
        return (starts + sorted(contains, key=lambda e: e.name))[:limit]

    def values(self, ids: list[str], property_id: str) -> dict[str, list]:
        """{id: [values of ``property_id``]} for the given entity ids (IRIs for entities, text otherwise)."""
        _label, path = EXTENSION_PROPERTIES[property_id]
        iris = " ".join(f"<{ID}{i}>" for i in ids if i in self.entities)
        if not iris:
            return {}
        result: dict[str, list] = {}
        for row in self.kg.select(f"SELECT ?e ?v WHERE {{ VALUES ?e {{ {iris} }} ?e {path} }} ORDER BY ?e ?v"):
            result.setdefault(row["e"][len(ID):], []).append(row["v"])
        return result


def _similarity(a: str, b: str) -> float:
    """100 for equal names; 80–95 when one contains the other (more the closer their lengths); else up to 95."""
    if a == b:
        return 100.0
    shorter, longer = sorted((a, b), key=len)
    if shorter and shorter in longer:
        return 80 + 15 * len(shorter) / len(longer)
    return SequenceMatcher(None, a, b).ratio() * 95
