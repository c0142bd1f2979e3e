"""The statistical observations an entity's page shows: those about it, of it, or in it.

An observation (RDF Data Cube, see docs/data-model.md) concerns an entity when the
entity is its reference area, what it is about (``cq:about``), its indicator or its
data set. Each row gives the value with its unit, period, bound, change rate and
where it comes from: the sentence whose graph states it, else its ``dcterms:source``.
"""

from __future__ import annotations

from dataclasses import dataclass

import pyoxigraph as ox

from cqkg.namespaces import term
from cqkg.store import KnowledgeGraph

OBSERVATION_LIMIT = 500

OBSERVATIONS = """
SELECT ?obs ?indicator ?area ?period ?value ?unit ?bound ?rate ?basis ?about
       (SAMPLE(?stating) AS ?sentence) (SAMPLE(?cited) AS ?source) WHERE {
    { ?obs sdmx-dimension:refArea $E } UNION { ?obs cq:about $E } UNION { ?obs cq:indicator $E } UNION { ?obs qb:dataSet $E }
    ?obs a qb:Observation ; sdmx-measure:obsValue ?value .
    OPTIONAL { ?obs cq:indicator ?indicator }
    OPTIONAL { ?obs sdmx-dimension:refArea ?area }
    OPTIONAL { ?obs sdmx-dimension:refPeriod ?period }
    OPTIONAL { ?obs cq:unit ?unit }
    OPTIONAL { ?obs cq:valueBound ?bound }
    OPTIONAL { ?obs cq:changeRate ?rate }
    OPTIONAL { ?obs cq:periodBasis ?basis }
    OPTIONAL { ?obs cq:about ?about }
    OPTIONAL { GRAPH ?stating { ?obs sdmx-measure:obsValue ?value } ?stating a cq:Sentence }
    OPTIONAL { ?obs dcterms:source ?cited }
} GROUP BY ?obs ?indicator ?area ?period ?value ?unit ?bound ?rate ?basis ?about
ORDER BY ?indicator ?area ?period ?obs LIMIT $LIMIT
"""


@dataclass(frozen=True)
class Observation:
    """One observation: its IRI, what it measures (indicator, area, period, about) and its value."""

    iri: str
    indicator: str | None
    area: str | None
    period: str | None
    value: str
    unit: str | None
    bound: str | None
    change_rate: str | None
    period_basis: str | None
    about: str | None
    sentence: str | None
    source: str | None


#: The properties by which an observation concerns an entity (the first pattern of OBSERVATIONS).
CONCERNS = tuple(ox.NamedNode(term(p)) for p in ("sdmx-dimension:refArea", "cq:about", "cq:indicator", "qb:dataSet"))


def observations(kg: KnowledgeGraph, iri: str) -> list[Observation]:
    """The observations concerning ``iri``, by indicator, area and period (at most OBSERVATION_LIMIT)."""
    node = ox.NamedNode(iri)
    # Most entities have none: one index lookup per property says so, far cheaper than the query.
    if not any(next(kg.store.quads_for_pattern(None, p, node, ox.DefaultGraph()), None) for p in CONCERNS):
        return []
    query = OBSERVATIONS.replace("$E", str(ox.NamedNode(iri))).replace("$LIMIT", str(OBSERVATION_LIMIT))
    return [Observation(
        iri=row["obs"].value, indicator=_value(row["indicator"]), area=_value(row["area"]), period=_value(row["period"]),
        value=row["value"].value, unit=_value(row["unit"]), bound=_value(row["bound"]), change_rate=_value(row["rate"]),
        period_basis=_value(row["basis"]), about=_value(row["about"]), sentence=_value(row["sentence"]),
        source=_value(row["source"]),
    ) for row in kg.query(query)]


def _value(term) -> str | None:
    return None if term is None else term.value
