"""What a page shows about one IRI: the description arranged by ``view``, plus what its kind adds.

``LinkedData`` is the per-build state the web layer keeps: the opened store, the
ontology's hierarchy and the explainer (both loaded once), the labels and the values
made so far, and the graph sizes of the build's manifest. ``page(iri)`` returns the
model an HTML template renders; ``describe(iri)`` the description the RDF formats write.
"""

from __future__ import annotations

from dataclasses import replace

import pyoxigraph as ox

from cqkg.linked_data import classes, observations
from cqkg.linked_data.describe import Description, context, describe
from cqkg.linked_data.explain import Explainer
from cqkg.linked_data.identifiers import identifiers
from cqkg.linked_data.labels import Labels
from cqkg.linked_data.resolve import Kind, exists, local_path
from cqkg.linked_data.view import Fact, Values, Viewer, href
from cqkg.linked_data.vocabulary import Vocabulary
from cqkg.namespaces import DEF, RDF_TYPE, shorten, term
from cqkg.store import KnowledgeGraph

DEFINITION, TEXT = term("skos:definition"), term("schema:text")
CLASS_TYPES = {term("owl:Class"), term("rdfs:Class")}
#: Links to an entity shown per property on its page (the RDF description has them all, up to its bound).
INCOMING_PER_PROPERTY = 50
PROPERTY_TYPES = {term("owl:ObjectProperty"), term("owl:DatatypeProperty"), term("owl:AnnotationProperty"),
                  term("rdf:Property")}


class LinkedData:
    """The built graph as pages and descriptions, for one build (see the module docstring)."""

    def __init__(self, kg: KnowledgeGraph):
        self.kg = kg
        self.version = kg.version
        self.graph_sizes: dict[str, int] = dict(kg.manifest.get("graphs", {}))
        self.vocabulary = Vocabulary.load(kg)
        self.explainer = Explainer(kg, self.vocabulary)
        self.label_lookup = Labels(kg)
        self.values = Values(self.label_lookup)

    def exists(self, iri: str) -> bool:
        """True if the built graph mentions ``iri`` (as subject, object or graph name)."""
        return exists(self.kg.store, iri)

    def labels(self, iri: str) -> dict[str, str]:
        """The en and zh labels of ``iri``."""
        return self.label_lookup.of(iri)

    def describe(self, iri: str) -> Description:
        """The description of ``iri`` that the RDF formats write."""
        description = describe(self.kg, iri, self.graph_sizes)
        description.context = context(self.label_lookup, description)
        return description

    def page(self, iri: str) -> dict:
        """The model of ``iri``'s HTML page."""
        description = describe(self.kg, iri, self.graph_sizes)  # without its context: Values finds the labels it shows
        labels = self.label_lookup
        viewer = Viewer(description, self.values)
        statements = description.statements
        explanations = self.explainer.explain(iri, [(s.predicate, s.object) for s in statements if s.inferred])
        types = sorted((s for s in statements if s.predicate.value == RDF_TYPE), key=lambda s: (s.inferred, str(s.object)))
        model = {
            "iri": iri, "kind": description.kind.value, "curie": shorten(iri),
            "labels": labels.of(iri), "working_translation": labels.is_working_translation(iri),
            "definition": _by_language(s.object for s in statements if s.predicate.value == DEFINITION),
            "text": next((s.object.value for s in statements if s.predicate.value == TEXT), None),
            "types": [_to_class_page(viewer.fact(s, explanations=explanations.get((RDF_TYPE, str(s.object)), ())))
                      for s in types],
            "groups": viewer.groups([s for s in statements if s.predicate.value != RDF_TYPE], explanations=explanations),
            "incoming": viewer.groups(_incoming(description), outgoing=False, per_property=INCOMING_PER_PROPERTY),
            "incoming_complete": description.incoming_complete,
            "identifiers": identifiers(statements),
            "observations": self._observations(iri, viewer),
            "sentences": viewer.cited_sentences(),
            "authorities": viewer.authorities(),
            "content": _rows(description, viewer) if description.kind is not Kind.ONTOLOGY else [],
            "content_listed": description.content_graph is not None,
            "graph_size": self.graph_sizes.get(iri),
        }
        type_iris = {s.object.value for s in types}
        if description.kind in (Kind.TERM, Kind.ONTOLOGY):
            model["term"] = self._term(iri, type_iris, viewer)
        if description.kind is Kind.ONTOLOGY:
            model["terms"] = _ontology_terms(description, viewer)
        return model

    def _observations(self, iri: str, viewer: Viewer) -> list[dict]:
        """The observations concerning ``iri``, one small table per indicator."""
        tables: dict[str, dict] = {}
        for row in observations.observations(self.kg, iri):
            table = tables.setdefault(row.indicator or "", {"indicator": viewer.value(ox.NamedNode(row.indicator))
                                                            if row.indicator else None, "rows": []})
            table["rows"].append({"observation": viewer.value(ox.NamedNode(row.iri)), "row": row,
                                  **{name: viewer.value(ox.NamedNode(getattr(row, name))) if getattr(row, name) else None
                                     for name in ("area", "unit", "bound", "period_basis", "about", "source")},
                                  "sentence": viewer.sentence(row.sentence) if row.sentence else None})
        return list(tables.values())

    def _term(self, iri: str, type_iris: set[str], viewer: Viewer) -> dict:
        """What an ontology term's page adds: super and sub terms, and how much the data uses it."""
        is_class, is_property = bool(type_iris & CLASS_TYPES), bool(type_iris & PROPERTY_TYPES)
        node = lambda other: viewer.value(ox.NamedNode(other))  # noqa: E731
        return {
            "is_class": is_class, "is_property": is_property,
            "broader": [node(b) for b in sorted(self.vocabulary.broader.get(iri, ()))],
            "narrower": [node(n) for n in sorted(self.vocabulary.narrower.get(iri, ()))],
            "instances": classes.instance_count(self.kg, iri) if is_class else None,
            "usage": classes.usage_count(self.kg, iri) if is_property else None,
            "class_page": class_path(iri),
        }


def _to_class_page(fact: Fact) -> Fact:
    """A type from another vocabulary links to the listing of its instances here (it has no page of ours)."""
    iri = fact.value.iri
    if iri and local_path(iri) is None:
        fact.value = replace(fact.value, href=class_path(iri))
    return fact


def class_path(iri: str) -> str:
    """The server path of the instance listing of class ``iri``: ``/classes/cq:District``."""
    return "/classes/" + (shorten(iri) or iri)


def _incoming(description: Description) -> list:
    """The links a page lists: for a class, its instances are on the class page, not here."""
    if description.kind is Kind.TERM:
        return [s for s in description.incoming if s.predicate.value != RDF_TYPE]
    return description.incoming


def _by_language(literals) -> dict[str, str]:
    found: dict[str, str] = {}
    for literal in literals:
        if isinstance(literal, ox.Literal):
            found.setdefault((literal.language or "").split("-")[0], literal.value)
    return found


def _rows(description: Description, viewer: Viewer) -> list[list]:
    """The triples of the graph ``description`` names (a sentence's facts), as rows of values, by subject."""
    ordered = sorted(description.content, key=lambda s: (str(s.subject), s.predicate.value != RDF_TYPE, str(s.predicate), str(s.object)))
    return [[viewer.value(s.subject), viewer.value(s.predicate), viewer.value(s.object), s.inferred] for s in ordered]


def _ontology_terms(description: Description, viewer: Viewer) -> dict[str, list]:
    """The ontology's own classes and properties (from its graph), each with its English definition."""
    definitions = {s.subject.value: s.object.value for s in description.content
                   if s.predicate.value == DEFINITION and getattr(s.object, "language", "") == "en"}
    found: dict[str, set[str]] = {"classes": set(), "properties": set()}
    for s in description.content:
        if s.predicate.value == RDF_TYPE and s.subject.value.startswith(DEF):
            if s.object.value in CLASS_TYPES:
                found["classes"].add(s.subject.value)
            elif s.object.value in PROPERTY_TYPES:
                found["properties"].add(s.subject.value)
    return {kind: sorted(({"value": viewer.value(ox.NamedNode(iri)), "definition": definitions.get(iri, ""),
                           "href": href(iri)} for iri in iris), key=lambda t: t["value"].text.lower())
            for kind, iris in found.items()}
