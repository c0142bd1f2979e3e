"""Figures about the built graph: entities per class, observations, sentences and the facts
citing them, label coverage, link coverage, and per-class coverage of organisations and
places (registry links, country, founding year, coordinates, confirmed Chinese name).

Every figure is computed by a SPARQL query over the built store.
"""

from __future__ import annotations

from cqkg.namespaces import ASSERTED_GRAPH, ID, REGISTRIES
from cqkg.store import KnowledgeGraph

ENTITY_FILTER = f'FILTER(STRSTARTS(STR(?e), "{ID}"))'

ENTITIES_PER_CLASS = f"""
SELECT ?class (COUNT(DISTINCT ?e) AS ?entities) WHERE {{
    GRAPH <{ASSERTED_GRAPH}> {{ ?e a ?class }}
    {ENTITY_FILTER}
}} GROUP BY ?class ORDER BY DESC(?entities) ?class
"""

SENTENCES = """
SELECT (COUNT(DISTINCT ?sentence) AS ?sentences) (COUNT(DISTINCT ?cited) AS ?cited_sentences)
       (SUM(?n) AS ?facts) WHERE {
    ?sentence a cq:Sentence .
    OPTIONAL { SELECT ?sentence (COUNT(*) AS ?n) (SAMPLE(?sentence) AS ?cited) WHERE {
        GRAPH ?sentence { ?s ?p ?o } } GROUP BY ?sentence }
}
"""

LABELS = f"""
SELECT (COUNT(DISTINCT ?e) AS ?entities) (COUNT(DISTINCT ?en) AS ?with_en) (COUNT(DISTINCT ?zh) AS ?with_zh)
       (COUNT(DISTINCT ?working) AS ?zh_working_translation) WHERE {{
    GRAPH <{ASSERTED_GRAPH}> {{ ?e a ?class }}
    {ENTITY_FILTER}
    OPTIONAL {{ ?e rdfs:label ?l1 FILTER(LANGMATCHES(LANG(?l1), "en")) BIND(?e AS ?en) }}
    OPTIONAL {{ ?e rdfs:label ?l2 FILTER(LANGMATCHES(LANG(?l2), "zh")) BIND(?e AS ?zh) }}
    OPTIONAL {{ ?e cq:labelStatus cq:WorkingTranslation BIND(?e AS ?working) }}
}}
"""

LINKS = f"""
SELECT ?class ?target (COUNT(DISTINCT ?e) AS ?linked) WHERE {{
    ?e owl:sameAs|skos:exactMatch|skos:closeMatch ?x .
    GRAPH <{ASSERTED_GRAPH}> {{ ?e a ?class }}
    {ENTITY_FILTER}
    BIND(IF(STRSTARTS(STR(?x), "{REGISTRIES['wikidata'][0]}"), "wikidata",
         IF(STRSTARTS(STR(?x), "{REGISTRIES['geonames'][0]}"), "geonames",
         IF(STRSTARTS(STR(?x), "{REGISTRIES['ror'][0]}"), "ror", "other"))) AS ?target)
}} GROUP BY ?class ?target ORDER BY ?class ?target
"""

OBSERVATIONS = """
SELECT (COUNT(DISTINCT ?obs) AS ?observations) (COUNT(DISTINCT ?bound) AS ?lower_bounds) WHERE {
    ?obs a qb:Observation .
    OPTIONAL { ?obs cq:valueBound cq:ExclusiveLowerBound BIND(?obs AS ?bound) }
}
"""


def _has_link(var: str, prefix: str) -> str:
    return (f'BIND(IF(EXISTS {{ ?e owl:sameAs|skos:exactMatch|skos:closeMatch ?x_{var} '
            f'FILTER(STRSTARTS(STR(?x_{var}), "{prefix}")) }}, 1, 0) AS ?{var})')


#: Per class of organisation or place: how many of its entities have each kind of fact.
#: (name in the figures, column heading, SPARQL that binds the name to 1 or 0 for ?e)
COVERAGE_COLUMNS = (
    ("ror", "ROR", _has_link("ror", REGISTRIES["ror"][0])),
    ("wikidata", "Wikidata", _has_link("wikidata", REGISTRIES["wikidata"][0])),
    ("geonames", "GeoNames", _has_link("geonames", REGISTRIES["geonames"][0])),
    ("country", "country", "BIND(IF(EXISTS { ?e schema:addressCountry|cq:country ?c }, 1, 0) AS ?country)"),
    ("founding_year", "founded", "BIND(IF(EXISTS { ?e cq:foundingYear ?y }, 1, 0) AS ?founding_year)"),
    ("coordinates", "coords", "BIND(IF(EXISTS { ?e geo:hasGeometry ?g }, 1, 0) AS ?coordinates)"),
    ("zh_confirmed", "zh conf.",
     'BIND(IF(EXISTS { ?e rdfs:label ?zh FILTER(LANGMATCHES(LANG(?zh), "zh")) } && '
     'NOT EXISTS { ?e cq:labelStatus cq:WorkingTranslation }, 1, 0) AS ?zh_confirmed)'),
)

COVERAGE = f"""
SELECT ?class (COUNT(DISTINCT ?e) AS ?entities) {" ".join(f"(SUM(?{n}) AS ?{n}_n)" for n, _, _ in COVERAGE_COLUMNS)}
WHERE {{
    GRAPH <{ASSERTED_GRAPH}> {{ ?e a ?class }}
    {ENTITY_FILTER}
    FILTER EXISTS {{ ?class rdfs:subClassOf* ?top VALUES ?top {{ cq:Organisation cq:Place }} }}
    {" ".join(bind for _, _, bind in COVERAGE_COLUMNS)}
}} GROUP BY ?class ORDER BY DESC(?entities) ?class
"""


#: The same figures for all organisations and all places (each entity once, whatever its classes).
COVERAGE_TOTALS = f"""
SELECT ?class (COUNT(DISTINCT ?e) AS ?entities) {" ".join(f"(SUM(?{n}) AS ?{n}_n)" for n, _, _ in COVERAGE_COLUMNS)}
WHERE {{
    VALUES ?class {{ cq:Organisation cq:Place }}
    {{ SELECT DISTINCT ?e ?class WHERE {{
        GRAPH <{ASSERTED_GRAPH}> {{ ?e a ?type }}
        {ENTITY_FILTER}
        ?type rdfs:subClassOf* ?class }} }}
    {" ".join(bind for _, _, bind in COVERAGE_COLUMNS)}
}} GROUP BY ?class ORDER BY ?class
"""


def coverage(kg: KnowledgeGraph) -> list[dict]:
    """Per class of organisation or place (asserted types), then for all organisations and all
    places: entities, and how many have each fact."""
    return [{"class": row["class"], "all": query is COVERAGE_TOTALS, "entities": row["entities"],
             **{name: int(row[f"{name}_n"] or 0) for name, _, _ in COVERAGE_COLUMNS}}
            for query in (COVERAGE, COVERAGE_TOTALS) for row in kg.select(query)]


def render_coverage(rows: list[dict]) -> list[str]:
    """The coverage table: one row per class, each cell 'count percent'."""
    heads = [head for _, head, _ in COVERAGE_COLUMNS]
    width = max([len("class")] + [len(row["short"]) for row in rows]) if rows else len("class")
    out = [f"  {'class':<{width}}  {'n':>3}" + "".join(f"  {h:>9}" for h in heads)]
    for row in rows:
        cells = [f"{row[name]:3d} {row[name] / row['entities']:4.0%}" for name, _, _ in COVERAGE_COLUMNS]
        out.append(f"  {row['short']:<{width}}  {row['entities']:3d}" + "".join(f"  {c:>9}" for c in cells))
    return out


def compute(kg: KnowledgeGraph) -> dict:
    """Return all figures as a dict (JSON-serialisable)."""
    classes = kg.select(ENTITIES_PER_CLASS)
    return {
        "dataset_version": kg.version,
        "quads_per_graph": kg.manifest.get("graphs", {}),
        "entities_per_class": {row["class"]: row["entities"] for row in classes},
        "observations": kg.select(OBSERVATIONS)[0],
        "sentences": kg.select(SENTENCES)[0],
        "labels": kg.select(LABELS)[0],
        "links": [row for row in kg.select(LINKS)],
        "coverage": coverage(kg),
    }


def render(figures: dict) -> str:
    """Render the figures of ``compute`` as readable text."""
    from cqkg.query.render import short_iri as shorten
    out = [f"dataset version {figures['dataset_version']}", "", "Entities per class (asserted types):"]
    out += [f"  {count:5d}  {shorten(cls)}" for cls, count in figures["entities_per_class"].items()]
    obs = figures["observations"]
    out += ["", f"Observations: {obs['observations']} ({obs['lower_bounds']} lower bounds)"]
    sent = figures["sentences"]
    out += [f"Sentences: {sent['sentences']}, cited by facts: {sent['cited_sentences']}, facts stated: {sent['facts']}"]
    lab = figures["labels"]
    out += [f"Labels: {lab['entities']} entities, {lab['with_en']} with en, {lab['with_zh']} with zh "
            f"({lab['zh_working_translation']} zh working translations)"]
    out += ["", "Link coverage per class and target (entities linked / entities of the class):"]
    totals = figures["entities_per_class"]
    out += [f"  {row['linked']:3d}/{totals.get(row['class'], 0):<3d} {row['linked'] / max(totals.get(row['class'], 1), 1):5.0%}  "
            f"{shorten(row['class'])} → {row['target']}" for row in figures["links"]] or ["  none"]
    out += ["", "Coverage per class of organisation or place (entities with the fact, share of the class):"]
    rows = [dict(row, short=("all " if row["all"] else "") + shorten(row["class"])) for row in figures["coverage"]]
    out += render_coverage(rows) if rows else ["  none"]
    out += ["", "Quads per graph:"]
    out += [f"  {count:6d}  {shorten(graph)}" for graph, count in figures["quads_per_graph"].items()]
    return "\n".join(out) + "\n"
