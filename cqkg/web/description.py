"""The SPARQL 1.1 Service Description of the endpoint, as RDF in any supported graph format."""

from __future__ import annotations

import pyoxigraph as ox

from cqkg.query.formats import FORMAT_IRIS, GRAPH_TYPES, RESULT_TYPES
from cqkg.namespaces import DEF, DEFAULT_UNION, RDF_TYPE, RDFS, SD, XSD


def service_description(endpoint_url: str, named_graphs: list[str], settings) -> list[ox.Triple]:
    """Return the triples describing the endpoint at ``endpoint_url``: language, formats, dataset, limits."""
    service = ox.NamedNode(endpoint_url)
    dataset = ox.BlankNode("dataset")
    default = ox.BlankNode("defaultGraph")
    sd = lambda term: ox.NamedNode(SD + term)  # noqa: E731
    cq = lambda term: ox.NamedNode(DEF + term)  # noqa: E731
    triples = [
        ox.Triple(service, ox.NamedNode(RDF_TYPE), sd("Service")),
        ox.Triple(service, sd("endpoint"), service),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("BasicFederatedQuery")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, ox.NamedNode(RDF_TYPE), sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, ox.NamedNode(RDF_TYPE), sd("Graph")),
        ox.Triple(default, ox.NamedNode(RDFS + "comment"),
                  ox.Literal("The union of the graphs " + ", ".join(DEFAULT_UNION), language="en")),
        ox.Triple(service, cq("queryTimeoutSeconds"), ox.Literal(str(settings.query_timeout), datatype=ox.NamedNode(XSD + "decimal"))),
        ox.Triple(service, cq("maxResultRows"), ox.Literal(str(settings.max_rows), datatype=ox.NamedNode(XSD + "integer"))),
        ox.Triple(service, cq("maxRequestBytes"), ox.Literal(str(settings.max_request_bytes), datatype=ox.NamedNode(XSD + "integer"))),
    ]
    for media in RESULT_TYPES + GRAPH_TYPES:
        triples.append(ox.Triple(service, sd("resultFormat"), ox.NamedNode(FORMAT_IRIS[media])))
    for allowed in settings.service_allowlist:
        triples.append(ox.Triple(service, cq("allowedService"), ox.NamedNode(allowed)))
    for index, graph in enumerate(sorted(named_graphs)):
        node = ox.BlankNode(f"namedGraph{index}")
        triples += [ox.Triple(dataset, sd("namedGraph"), node), ox.Triple(node, ox.NamedNode(RDF_TYPE), sd("NamedGraph")),
                    ox.Triple(node, sd("name"), ox.NamedNode(graph))]
    return triples
