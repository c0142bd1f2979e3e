"""The index of names: every IRI under https://w3id.org/cqkg/ with a label, its names folded for matching.

Built once from the built store (``SearchIndex.build``), a few hundred milliseconds for
the whole graph; it holds each entity's labels and aliases (``rdfs:label``,
``skos:prefLabel``, ``skos:altLabel``, ``skos:hiddenLabel``, ``schema:name``,
``schema:alternateName``) with their folded keys and pinyin, its English and Chinese
label, its types (asserted and inferred, for type constraints) and the most specific
asserted type to show. Its size is proportional to the graph's names, nothing more.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from cqkg.namespaces import ASSERTED_GRAPH, BASE, ONTOLOGY_GRAPH, PREFIXES, shorten
from cqkg.search.fold import fold, has_cjk, pinyin, words
from cqkg.store import KnowledgeGraph

#: Properties whose values name a thing; the first two give its preferred label.
PREFERRED = ("rdfs:label", "skos:prefLabel")
ALIASES = ("skos:altLabel", "skos:hiddenLabel", "schema:name", "schema:alternateName")


@dataclass(frozen=True)
class Name:
    """One name of an entity, with the keys it is matched on."""

    text: str
    preferred: bool
    key: str
    spaced: str
    pinyin: str = ""
    syllable_starts: frozenset[int] = frozenset()


@dataclass
class Entry:
    """An IRI as search sees it: labels (en, zh), names, types and the type to show."""

    iri: str
    label: str = ""
    label_zh: str = ""
    names: list[Name] = field(default_factory=list)
    types: set[str] = field(default_factory=set)
    type_iri: str = ""
    type_label: str = ""


def make_name(text: str, preferred: bool) -> Name:
    """The Name of ``text``: its folded key, its words (each after a space) and, for Chinese, pinyin and syllable offsets."""
    syllables = pinyin(text) if has_cjk(text) else ()
    starts, offset = set(), 0
    for syllable in syllables:
        starts.add(offset)
        offset += len(syllable)
    spaced = "".join(" " + word for word in words(text))
    return Name(text, preferred, fold(text), spaced, "".join(syllables), frozenset(starts))


class SearchIndex:
    """Every labelled IRI of the graph, by IRI, with its names ready to match."""

    def __init__(self, entries: dict[str, Entry], version: str = ""):
        from cqkg.search.candidates import NameTable

        self.entries, self.version = entries, version
        self.table = NameTable(entries.values())

    @classmethod
    def build(cls, kg: KnowledgeGraph) -> "SearchIndex":
        """Index the names, labels and types of every IRI under the cqkg base in ``kg``."""
        entries: dict[str, Entry] = {}
        _add_names(kg, entries)
        _add_types(kg, entries)
        return cls(entries, kg.version)

    def labels(self, iri: str) -> tuple[str, str]:
        """(English label, Chinese label) of ``iri``; empty strings when it has none."""
        entry = self.entries.get(iri)
        return (entry.label, entry.label_zh) if entry else ("", "")


def _add_names(kg: KnowledgeGraph, entries: dict[str, Entry]) -> None:
    properties = " ".join(PREFERRED + ALIASES)
    preferred_iris = {_expand(p) for p in PREFERRED}
    for row in kg.select(f"""
        SELECT DISTINCT ?s ?p ?name (LANG(?name) AS ?lang) WHERE {{
            VALUES ?p {{ {properties} }}
            ?s ?p ?name FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{BASE}") && isLiteral(?name))
        }} ORDER BY ?s ?p ?name"""):
        iri, prop, text, lang = row["s"], row["p"], str(row["name"]), row["lang"]
        entry = entries.setdefault(iri, Entry(iri))
        preferred = prop in preferred_iris
        known = next((n for n in entry.names if n.text == text), None)
        if known is None or preferred and not known.preferred:
            entry.names = [n for n in entry.names if n is not known] + [make_name(text, preferred)]
        if preferred and lang.startswith("zh") and not entry.label_zh:
            entry.label_zh = text
        elif preferred and lang in ("en", "") and not entry.label:
            entry.label = text
    for entry in entries.values():
        entry.label = entry.label or entry.label_zh or entry.names[0].text
        # Preferred names first, so that an exact label outranks an alias of the same score.
        entry.names.sort(key=lambda name: not name.preferred)


def _add_types(kg: KnowledgeGraph, entries: dict[str, Entry]) -> None:
    supers: dict[str, set[str]] = {}
    for row in kg.select("SELECT DISTINCT ?sub ?super WHERE { ?sub rdfs:subClassOf+ ?super FILTER(?sub != ?super) }"):
        supers.setdefault(row["sub"], set()).add(row["super"])
    type_labels = {row["c"]: row["l"] for row in kg.select(
        'SELECT ?c (MIN(?label) AS ?l) WHERE { ?x a ?c . ?c rdfs:label ?label FILTER(LANG(?label) = "en") } GROUP BY ?c')}
    stated: dict[str, set[str]] = {}
    for row in kg.select(f"""
        SELECT DISTINCT ?s ?type ?stated WHERE {{
            ?s a ?type FILTER(isIRI(?s) && STRSTARTS(STR(?s), "{BASE}"))
            BIND(EXISTS {{ GRAPH ?g {{ ?s a ?type }} FILTER(?g IN (<{ASSERTED_GRAPH}>, <{ONTOLOGY_GRAPH}>)) }} AS ?stated)
        }}"""):
        entry = entries.get(row["s"])
        if entry is not None:
            entry.types.add(row["type"])
            if row["stated"]:
                stated.setdefault(row["s"], set()).add(row["type"])
    for iri, entry in entries.items():
        candidates = stated.get(iri) or entry.types
        # The most specific type: one no other candidate is a subclass of; ties by name, for stable output.
        specific = sorted(t for t in candidates if not any(t in supers.get(other, ()) for other in candidates))
        if specific:
            entry.type_iri = specific[0]
            entry.type_label = type_labels.get(entry.type_iri) or shorten(entry.type_iri) or entry.type_iri


def _expand(prefixed: str) -> str:
    prefix, local = prefixed.split(":", 1)
    return PREFIXES[prefix] + local
