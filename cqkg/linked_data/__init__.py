"""Linked Data over the built store: what the server says about each IRI the graph mints.

Read in this order:

- ``resolve``: which IRIs exist and what kind each is (entity, sentence, ontology term, graph);
- ``vocabulary``: the ontology's hierarchy, for people;
- ``labels``: the labels of anything (and a sentence's text), looked up once per process;
- ``describe``: the description of one IRI as quads, each in the graph that states it;
- ``explain``: why an inferred fact holds (the axiom and the premises), by SPARQL;
- ``rdf``: a description written as Turtle, N-Triples, JSON-LD, RDF/XML, TriG or N-Quads;
- ``view``: a description arranged for an HTML page (facts grouped, sources, identifiers);
- ``observations``, ``classes``: statistics about an entity, instances of a class;
- ``about``, ``validation``: the dataset page's figures and the SHACL report.

Everything here reads the store opened by ``cqkg.store.KnowledgeGraph`` in the web
process itself (never through the query workers), with bounded queries only.
"""
