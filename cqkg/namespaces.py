"""IRIs of cqkg: the ontology namespace, entity kinds, named graphs and prefixes.

``CQ`` is a closed namespace: a misspelt term raises instead of minting a new IRI.
"""

import re

from rdflib import Namespace
from rdflib.namespace import DefinedNamespace
from rdflib.term import URIRef

BASE = "https://w3id.org/cqkg/"
DEF = BASE + "def/"
ID = BASE + "id/"
GRAPH = BASE + "graph/"


class CQ(DefinedNamespace):
    """Terms of the cqkg ontology (ontology/cqkg.ttl) that the code refers to."""

    _NS = Namespace(DEF)
    _fail = True

    Sentence: URIRef
    SourceDocument: URIRef
    Section: URIRef
    WorkingTranslation: URIRef
    ConfirmedLabel: URIRef
    labelStatus: URIRef
    curated: URIRef
    sentenceNumber: URIRef
    charStart: URIRef
    charEnd: URIRef
    indicator: URIRef
    unit: URIRef
    valueBound: URIRef
    locatedIn: URIRef


#: Named graphs of the built dataset. The default graph of a query is the union
#: of ONTOLOGY, ASSERTED and INFERRED.
ONTOLOGY_GRAPH = GRAPH + "ontology"
ASSERTED_GRAPH = GRAPH + "asserted"
INFERRED_GRAPH = GRAPH + "inferred"
CURATED_GRAPH = GRAPH + "curated"
SOURCE_GRAPH = GRAPH + "source"
DEFAULT_UNION = (ONTOLOGY_GRAPH, ASSERTED_GRAPH, INFERRED_GRAPH)
#: The graphs of facts linking to external registries: GRAPH + "links/<name>".
LINKS_GRAPHS = GRAPH + "links/"
#: The ontology's own IRI (``/def/`` on the server).
ONTOLOGY = DEF

#: The entity kinds: every entity IRI is ID + kind + "/" + slug.
ENTITY_KINDS = (
    "achievement", "cluster", "dataset", "event", "field", "geometry", "group", "indicator", "industry",
    "initiative", "measure", "observation", "org", "park", "place", "policy", "scheme",
    "source", "website",
)

#: External registries cqkg links to: name → (IRI prefix of their entities, IRI of the registry itself).
REGISTRIES = {
    "wikidata": ("http://www.wikidata.org/entity/", "https://www.wikidata.org/"),
    "ror": ("https://ror.org/", "https://ror.org/"),
    "geonames": ("https://sws.geonames.org/", "https://www.geonames.org/"),
}

#: Vocabularies cqkg reuses.
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
PROV = "http://www.w3.org/ns/prov#"
DCTERMS = "http://purl.org/dc/terms/"
DCAT = "http://www.w3.org/ns/dcat#"
SCHEMA = "https://schema.org/"
SD = "http://www.w3.org/ns/sparql-service-description#"
VOID = "http://rdfs.org/ns/void#"

#: Terms the code refers to by IRI.
RDF_TYPE = RDF + "type"
RDF_LANGSTRING = RDF + "langString"
RDFS_LABEL = RDFS + "label"
XSD_STRING = XSD + "string"
OWL_SAME_AS = OWL + "sameAs"
SKOS_EXACT_MATCH = SKOS + "exactMatch"
SKOS_CLOSE_MATCH = SKOS + "closeMatch"
PROV_WAS_DERIVED_FROM = PROV + "wasDerivedFrom"

#: Prefixes offered to SPARQL queries and used when writing Turtle: ``cq:`` for the
#: ontology, ``cq<kind>:`` for the entities of each kind (``cqorg:``, ``cqindustry:``…).
PREFIXES = {
    "cq": DEF,
    **{f"cq{kind}": f"{ID}{kind}/" for kind in ENTITY_KINDS},
    "dcat": DCAT,
    "dcterms": DCTERMS,
    "geo": "http://www.opengis.net/ont/geosparql#",
    "org": "http://www.w3.org/ns/org#",
    "owl": OWL,
    "prov": PROV,
    "qb": "http://purl.org/linked-data/cube#",
    "rdf": RDF,
    "rdfs": RDFS,
    "schema": SCHEMA,
    "sd": SD,
    "sdmx-attribute": "http://purl.org/linked-data/sdmx/2009/attribute#",
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "sdmx-measure": "http://purl.org/linked-data/sdmx/2009/measure#",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": SKOS,
    "void": VOID,
    "xsd": XSD,
}

#: The abbreviations of release 0.1 (``cqind:`` was industry, ``cqstat:`` indicator),
#: still predeclared for queries written against it; nothing cqkg writes uses them.
LEGACY_PREFIXES = {
    "cqach": ID + "achievement/", "cqds": ID + "dataset/", "cqgeom": ID + "geometry/",
    "cqind": ID + "industry/", "cqinit": ID + "initiative/", "cqobs": ID + "observation/",
    "cqsrc": ID + "source/", "cqstat": ID + "indicator/", "cqweb": ID + "website/",
}

#: Every prefix a query may use without declaring it.
QUERY_PREFIXES = {**PREFIXES, **LEGACY_PREFIXES}


def shorten(iri: str, prefixes: dict[str, str] = PREFIXES) -> str | None:
    """``iri`` as ``prefix:local`` under the longest namespace of ``prefixes`` that covers it, else None.

    The local part must be a valid Turtle/SPARQL local name for the result to be read
    back; callers writing RDF let pyoxigraph's serialiser decide instead.
    """
    if prefixes is PREFIXES:
        # Every namespace of PREFIXES ends in "/" or "#", so when the IRI up to its last "/" or "#" is one
        # of them, it is the longest that covers the IRI: one lookup instead of a scan (an entity page
        # shortens hundreds of IRIs; the scan took 20 µs each).
        cut = max(iri.rfind("/"), iri.rfind("#")) + 1
        name = _PREFIX_OF_NAMESPACE.get(iri[:cut])
        if name is not None:
            return f"{name}:{iri[cut:]}"
    best = max((item for item in prefixes.items() if iri.startswith(item[1])), key=lambda item: len(item[1]),
               default=None)
    return None if best is None else f"{best[0]}:{iri[len(best[1]):]}"


_PREFIX_OF_NAMESPACE = {namespace: name for name, namespace in PREFIXES.items()}


def schema_terms(local: str) -> tuple[str, str]:
    """A schema.org term in both spellings found in other people's data: https (cqkg's) and the older http."""
    return SCHEMA + local, "http://schema.org/" + local


def term(name: str) -> str:
    """The IRI of a prefixed name whose prefix is in PREFIXES, e.g. ``term("dcterms:source")``."""
    prefix, _, local = name.partition(":")
    return PREFIXES[prefix] + local


def turtle_prefixes(names) -> list[str]:
    """The ``@prefix`` lines declaring ``names`` (keys of PREFIXES), aligned, in the order given."""
    width = max(len(name) for name in names) + 1
    return [f"@prefix {name + ':':<{width}} <{PREFIXES[name]}> ." for name in names]


def is_entity(iri: str) -> bool:
    """Return True if ``iri`` names a cqkg entity (``https://w3id.org/cqkg/id/<kind>/<slug>``)."""
    if not iri.startswith(ID):
        return False
    kind, _, slug = iri[len(ID):].partition("/")
    return kind in ENTITY_KINDS and bool(slug)


def is_sentence_graph(iri: str) -> bool:
    """Return True if ``iri`` names a sentence of a source document, whose graph holds its facts."""
    return iri.startswith(ID + "source/") and _SENTENCE_SLUG.search(iri) is not None


_SENTENCE_SLUG = re.compile(r"/[a-z0-9-]+-s\d+$")


# -- Graphs outside the dataset: other stores' names and working graphs --

#: The name under which a store that has no default graph of its own per dataset
#: (Virtuoso) keeps the dump's default graph; not a graph of the dataset itself.
STORE_DEFAULT_GRAPH = GRAPH + "default"
#: Graph of the in-memory validation store (never written to a build) where the
#: engine notes the instances of the classes the shapes name and the nodes an edit touched.
VALIDATION_GRAPH = GRAPH + "validation"
VALIDATION_INSTANCE_OF = VALIDATION_GRAPH + "#instanceOf"
VALIDATION_TOUCHED = VALIDATION_GRAPH + "#touched"
#: The triples the reasoner derived in the last round of a fixpoint (semi-naive evaluation).
REASONING_DELTA_GRAPH = GRAPH + "reasoning/delta"
#: The literals the reasoner derived, compared with the stated ones.
REASONING_LITERALS_GRAPH = GRAPH + "reasoning/derived-literals"
