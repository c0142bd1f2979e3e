"""External identifiers of an entity, as links a person can follow.

Links to the registries of ``cqkg.namespaces.REGISTRIES`` (``owl:sameAs``,
``skos:exactMatch``, ``skos:closeMatch``) open the registry's own page (a Wikidata
entity IRI opens its wiki page, a GeoNames feature IRI its page on geonames.org);
the website (``schema:url``) opens itself; a division code (GB/T 2260) and a
notation are shown with a link to the query listing every entity that carries them
(a merged division's code can live on in its successor).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

import pyoxigraph as ox

from cqkg.linked_data.describe import Statement
from cqkg.namespaces import OWL_SAME_AS, REGISTRIES, SKOS_CLOSE_MATCH, SKOS_EXACT_MATCH, term

MATCHES = (OWL_SAME_AS, SKOS_EXACT_MATCH, SKOS_CLOSE_MATCH)
REGISTRY_NAMES = {"wikidata": "Wikidata", "ror": "ROR", "geonames": "GeoNames"}
#: How a registry's entity IRI becomes the page people read.
PAGES = {"wikidata": lambda local: f"https://www.wikidata.org/wiki/{local}",
         "ror": lambda local: f"https://ror.org/{local}",
         "geonames": lambda local: f"https://www.geonames.org/{local.strip('/')}"}
CODES = {term("cq:divisionCode"): "division code (GB/T 2260)", term("skos:notation"): "notation"}


@dataclass(frozen=True)
class Identifier:
    """One external identifier: what names it, its text, where it links, and how sure the link is."""

    name: str
    text: str
    href: str
    match: str = ""


def identifiers(statements: list[Statement]) -> list[Identifier]:
    """The external identifiers among ``statements`` (an entity's own), registries first."""
    found = []
    for statement in statements:
        predicate, obj = statement.predicate.value, statement.object
        if predicate in MATCHES and isinstance(obj, ox.NamedNode):
            found += _registry(obj.value, predicate.rsplit("#", 1)[-1])
        elif predicate == term("schema:url") and isinstance(obj, ox.NamedNode):
            found.append(Identifier("website", obj.value, obj.value))
        elif predicate in CODES and isinstance(obj, ox.Literal):
            found.append(Identifier(CODES[predicate], obj.value, "/?" + urlencode({"query": _code_query(predicate, obj)})))
    order = list(REGISTRY_NAMES.values()) + ["website"]
    return sorted(set(found), key=lambda i: (order.index(i.name) if i.name in order else len(order), i.text))


def _registry(iri: str, match: str) -> list[Identifier]:
    for name, (prefix, _registry_iri) in REGISTRIES.items():
        if iri.startswith(prefix):
            local = iri[len(prefix):]
            return [Identifier(REGISTRY_NAMES.get(name, name), local.strip("/"), PAGES[name](local), match)]
    return [Identifier("same as" if match == "sameAs" else "match", iri, iri, match)]


def _code_query(predicate: str, code: ox.Literal) -> str:
    return (f"# Every entity with this code, and its labels\n"
            f"SELECT ?entity ?label WHERE {{\n  ?entity <{predicate}> {code} .\n"
            f"  OPTIONAL {{ ?entity rdfs:label ?label }}\n}}")
