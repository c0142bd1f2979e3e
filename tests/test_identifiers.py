"""Entity IRIs are regular: https://w3id.org/cqkg/id/<kind>/<readable ASCII slug>."""

from __future__ import annotations

import re

from cqkg.namespaces import ENTITY_KINDS, ID

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")


def test_every_entity_iri_is_kind_and_ascii_slug(kg):
    rows = kg.select(f'SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(STRSTARTS(STR(?s), "{ID}")) }}')
    assert len(rows) > 250
    bad = []
    for row in rows:
        kind, _, slug = row["s"][len(ID):].partition("/")
        if kind not in ENTITY_KINDS or not SLUG.match(slug):
            bad.append(row["s"])
    assert not bad, f"irregular entity IRIs: {bad[:10]}"


def test_no_object_points_to_an_undescribed_entity(kg):
    dangling = kg.select(f"""
        SELECT DISTINCT ?o WHERE {{
            ?s ?p ?o . FILTER(isIRI(?o) && STRSTARTS(STR(?o), "{ID}"))
            FILTER NOT EXISTS {{ ?o a ?type }}
        }}""")
    assert dangling == [], f"entities referred to but never described: {dangling}"
