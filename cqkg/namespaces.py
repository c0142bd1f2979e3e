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

#: Prefixes offered to SPARQL queries and used when writing Turtle.
PREFIXES = {
    "cq": DEF,
    "cqach": ID + "achievement/",
    "cqcluster": ID + "cluster/",
    "cqds": ID + "dataset/",
    "cqevent": ID + "event/",
    "cqfield": ID + "field/",
    "cqgeom": ID + "geometry/",
    "cqgroup": ID + "group/",
    "cqind": ID + "industry/",
    "cqinit": ID + "initiative/",
    "cqmeasure": ID + "measure/",
    "cqobs": ID + "observation/",
    "cqorg": ID + "org/",
    "cqpark": ID + "park/",
    "cqplace": ID + "place/",
    "cqpolicy": ID + "policy/",
    "cqscheme": ID + "scheme/",
    "cqsrc": ID + "source/",
    "cqstat": ID + "indicator/",
    "cqweb": ID + "website/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "geo": "http://www.opengis.net/ont/geosparql#",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "qb": "http://purl.org/linked-data/cube#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sdmx-attribute": "http://purl.org/linked-data/sdmx/2009/attribute#",
    "sdmx-dimension": "http://purl.org/linked-data/sdmx/2009/dimension#",
    "sdmx-measure": "http://purl.org/linked-data/sdmx/2009/measure#",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "void": "http://rdfs.org/ns/void#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
}


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


# -- scale-validate: the validation engine's scratch graph --
#: Graph of the in-memory validation store (never written to a build) where the
#: engine notes each node's classes, each shape's focus nodes and the nodes an edit touched.
VALIDATION_GRAPH = GRAPH + "validation"
VALIDATION_INSTANCE_OF = VALIDATION_GRAPH + "#instanceOf"
VALIDATION_FOCUS_OF = VALIDATION_GRAPH + "#focusOf"
VALIDATION_TOUCHED = VALIDATION_GRAPH + "#touched"
