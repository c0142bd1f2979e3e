"""Linking with external open data: read an external dataset as a stream, propose matches, accept them.

One module per external source turns its dump format into ``Record`` objects
(``wikidata``, ``ror``, ``geonames``, ``rdf``); ``match`` scores records against
cqkg's entities with the evidence for each score; ``review`` writes the proposals
as a TSV a person reviews and turns the accepted rows into a links file.
"""
