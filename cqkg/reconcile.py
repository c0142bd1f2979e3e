"""Reconciliation: match names from a spreadsheet against cqkg entities, and extend matched rows with data.

Framework-free logic behind the W3C Reconciliation Service API (version 0.2, which
OpenRefine 3.x speaks); ``cqkg.web.reconcile`` puts it on the web. Entity ids are the
part of the IRI after ``https://w3id.org/cqkg/id/`` (``org/cigit``).

Names are matched by the search matcher (``cqkg.search``: any label or alias, English
or Chinese, accents, case, traditional script and pinyin folded), which scores each
candidate 0–100. A type constraint keeps only entities of that class (subclasses
included); a property constraint adds up to 10 points when the entity's value
matches. A result is a ``match`` when it scores 100 and no other candidate does.
"""

from __future__ import annotations

from dataclasses import dataclass

from cqkg.namespaces import DEF, ID, is_entity
from cqkg.search import Entry, SearchIndex, rank
from cqkg.search.fold import fold, normalise
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


@dataclass(frozen=True)
class Entity:
    """An entity as reconciliation sees it: id, preferred name, Chinese name as description, classes."""

    id: str
    name: str
    description: str
    types: frozenset[str]


@dataclass(frozen=True)
class Candidate:
    """A scored candidate for one query."""

    entity: Entity
    score: float
    match: bool


class Reconciler:
    """The entities of the graph, matched by the search index, suggested and extended with data."""

    def __init__(self, kg: KnowledgeGraph, index: SearchIndex | None = None):
        self.kg = kg
        self.index = index or SearchIndex.build(kg)
        self.entities: dict[str, Entity] = {
            entry.iri[len(ID):]: Entity(entry.iri[len(ID):], entry.label, entry.label_zh, frozenset(entry.types))
            for entry in self.index.entries.values() if _reconcilable(entry)}
        self.type_names: dict[str, str] = {
            row["c"]: row["l"] for row in kg.select(
                f'SELECT ?c ?l WHERE {{ ?c a owl:Class ; rdfs:label ?l FILTER(LANG(?l) = "en") FILTER(STRSTARTS(STR(?c), "{DEF}")) }}')}

    def reconcile(self, query: str, type_ids: tuple[str, ...] = (), limit: int = 5,
                  properties: list[dict] | None = None) -> list[Candidate]:
        """The best candidates for the name ``query``, best first, at most ``limit``.

        ``type_ids``: the types asked for (an entity of any of them qualifies). A
        query with no name is matched on its ``properties`` alone, 10 points a match.
        """
        types = frozenset(t for t in type_ids if t)
        if not fold(query) and not properties:
            return []
        scored = []
        if fold(query):
            accept = (lambda e: _reconcilable(e) and not types.isdisjoint(e.types)) if types else _reconcilable
            for hit in rank(self.index, query, accept=accept):
                entity = self.entities[hit.entry.iri[len(ID):]]
                scored.append((min(100.0, hit.score + self._property_bonus(entity, properties or [])), entity))
        else:
            for entity in self.entities.values():
                bonus = self._property_bonus(entity, properties) if not types or not types.isdisjoint(entity.types) else 0
                if bonus:
                    scored.append((bonus * 10 / max(1, len(properties)), entity))
        # Stable sort: candidates of equal score keep the matcher's order (labels before aliases).
        scored.sort(key=lambda item: -item[0])
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
        """Entities whose names match ``prefix`` (as typed so far), best first; all by name when it is empty."""
        if not fold(prefix):
            return sorted(self.entities.values(), key=lambda e: (e.name, e.id))[:limit]
        return [self.entities[hit.entry.iri[len(ID):]] for hit in rank(self.index, prefix, limit, accept=_reconcilable)]

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


def _reconcilable(entry: Entry) -> bool:
    """Entities (not ontology terms, graphs or the source's sentences) can be reconciled against."""
    return is_entity(entry.iri) and not entry.iri.startswith(ID + "source/")
