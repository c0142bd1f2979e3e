"""Query engines: answer one SPARQL request with bytes in the negotiated media type.

Two engines answer over the same built dataset, with the same default graph (the
union of the ontology, asserted and inferred graphs) and the same serialisers, so
their answers can be compared byte for byte:

- ``OxigraphEngine``: the embedded pyoxigraph store, opened read-only (the default);
- ``RdflibEngine``: rdflib's SPARQL engine over ``dataset.nq`` (the reference);
- ``RemoteEngine``: an external SPARQL store the build was published to
  (``cqkg publish``), asked over HTTP with the same default graph.

The build stores the default graph (the union) as the store's own default graph,
so a query's ``FROM`` works as the engine reads it and nothing here looks at the
query text. Engines never load anything from outside: pyoxigraph takes ``FROM`` as
a choice among the store's graphs, and rdflib's graph loading is switched off.
Engines run in query workers, which decide on ``SERVICE`` (``cqkg.query.executor``).
"""

from __future__ import annotations

import logging
import warnings

from pathlib import Path

import pyoxigraph as ox

from cqkg.build.manifest import DATASET
from cqkg.errors import NotBuiltError, QueryError
from cqkg.namespaces import DEFAULT_UNION, QUERY_PREFIXES
from cqkg.query import serialize
from cqkg.query.calls import has_dataset_clause
from cqkg.query.responses import QueryRequest, QueryResponse, boolean, graph, json_term, rdflib_term, solutions
from cqkg.store import KnowledgeGraph

ENGINES = ("oxigraph", "rdflib", "remote")
log = logging.getLogger("cqkg.engines")

def make_engine(name: str, build_dir: Path, **options):
    """Return the engine called ``name`` over the build in ``build_dir``.

    ``options`` go to the engine: the remote engine needs ``endpoint`` (and takes ``timeout``).
    """
    if name == "oxigraph":
        return OxigraphEngine(build_dir)
    if name == "rdflib":
        return RdflibEngine(build_dir)
    if name == "remote":
        return RemoteEngine(build_dir, **options)
    raise ValueError(f"unknown engine {name!r}; expected one of {', '.join(ENGINES)}")

class OxigraphEngine:
    """Answers queries from the read-only pyoxigraph store of a build."""

    name = "oxigraph"

    def __init__(self, build_dir: Path):
        self.graph = KnowledgeGraph.open(build_dir)

    def execute(self, request: QueryRequest) -> QueryResponse:
        """Run ``request``; raises QueryError (malformed) or NotAcceptableError."""
        result = self.graph.query(request.query, *self._dataset(request))
        if isinstance(result, ox.QueryBoolean):
            return boolean(bool(result), request)
        if isinstance(result, ox.QueryTriples):
            return graph(result, request)
        variables = [v.value for v in result.variables]
        return solutions(variables, ([serialize.oxigraph_term(row[i]) for i in range(len(variables))]
                                      for row in result), request)

    @staticmethod
    def _dataset(request: QueryRequest):
        """The protocol's graphs when given (then they are the whole dataset), else the store's own."""
        if request.default_graphs or request.named_graphs:
            return ([ox.NamedNode(g) for g in request.default_graphs or ()],
                    [ox.NamedNode(g) for g in request.named_graphs or ()])
        return None, None

class RdflibEngine:
    """Answers queries with rdflib's SPARQL engine over the build's N-Quads (slow; the reference)."""

    name = "rdflib"

    def __init__(self, build_dir: Path):
        import rdflib.plugins.sparql as rdflib_sparql
        from rdflib import Dataset, URIRef

        # Never fetch FROM/FROM NAMED graphs from the web; the default graph is ours, not the union of all.
        rdflib_sparql.SPARQL_LOAD_GRAPHS = False
        rdflib_sparql.SPARQL_DEFAULT_GRAPH_UNION = False
        path = Path(build_dir) / DATASET
        if not path.is_file():
            raise NotBuiltError(f"no built dataset in {build_dir}: run `cqkg build` first")
        from cqkg.build.load import to_rdflib
        # Parsed with pyoxigraph: faster, and rdflib's own Dataset.parse calls its deprecated API.
        self.full = Dataset()
        graphs = {}
        for quad in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS):
            name = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else None
            if name not in graphs:
                graphs[name] = self.full.graph(URIRef(name)) if name else self.full.default_graph
            graphs[name].add((to_rdflib(quad.subject), to_rdflib(quad.predicate), to_rdflib(quad.object)))
        self._views: dict = {}

    def execute(self, request: QueryRequest) -> QueryResponse:
        """Run ``request``; raises QueryError (malformed) or NotAcceptableError."""
        from pyparsing import ParseException

        if request.default_graphs or request.named_graphs:
            dataset = self._view(request.default_graphs or (), request.named_graphs or ())
        else:
            dataset = self.full  # FROM picks graphs of the store; rdflib's graph loading is off
        try:
            with warnings.catch_warnings():
                # rdflib 7's SPARQL engine calls Dataset.default_context and .contexts, which it deprecates.
                warnings.filterwarnings("ignore", r"Dataset\.\w+ is deprecated", DeprecationWarning)
                result = dataset.query(request.query, initNs=QUERY_PREFIXES)
                rows = list(result) if result.type == "SELECT" else None
        except ParseException as error:
            raise QueryError(f"malformed query: error at {error.lineno}:{error.col}: {error.msg}") from None
        if result.type == "ASK":
            return boolean(bool(result.askAnswer), request)
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            from cqkg.build.load import to_oxigraph
            triples = (ox.Triple(to_oxigraph(s), to_oxigraph(p), to_oxigraph(o)) for s, p, o in result.graph)
            return graph(triples, request)
        variables = [str(v) for v in result.vars]
        return solutions(variables, ([rdflib_term(row[i]) for i in range(len(variables))] for row in rows), request)

    def _view(self, default_graphs, named_graphs):
        """A Dataset whose default graph is the union of ``default_graphs``, with the named graphs asked for."""
        from rdflib import Dataset, URIRef

        key = (tuple(default_graphs), tuple(named_graphs) if named_graphs else None)
        if key not in self._views:
            view = Dataset()
            default = view.default_graph
            for iri in default_graphs:
                for triple in self.full.graph(URIRef(iri)):
                    default.add(triple)
            for context in self.full.graphs():
                if context.identifier == self.full.default_graph.identifier:
                    continue
                if named_graphs is None or str(context.identifier) in named_graphs:
                    target = view.graph(context.identifier)
                    for triple in context:
                        target.add(triple)
            if len(self._views) > 16:
                self._views.clear()
            self._views[key] = view
        return self._views[key]

class RemoteEngine:
    """Answers queries from an external SPARQL endpoint holding the published dataset.

    The query is sent as a form POST with the cqkg prefixes declared and, unless
    the request or the query picks its own dataset, the three default-union graphs
    as ``default-graph-uri``; the answer is re-serialised by cqkg, so formats, row
    limits and errors behave as with the embedded engines.
    """

    name = "remote"

    def __init__(self, build_dir: Path, endpoint: str, timeout: float = 30.0):
        from cqkg.build.manifest import read_manifest

        if not endpoint:
            raise NotBuiltError("the remote engine needs CQKG_REMOTE_ENDPOINT (the store's SPARQL query URL)")
        self.endpoint, self.timeout = endpoint, timeout
        # The named graphs of the release, sent with the default graphs so GRAPH works as locally.
        self.named = tuple(sorted(read_manifest(build_dir).get("graphs", {})))

    def execute(self, request: QueryRequest) -> QueryResponse:
        """Run ``request`` on the remote store; raises QueryError for a query it rejects, EngineFailure otherwise."""
        import json
        import urllib.error
        import urllib.parse
        import urllib.request

        from cqkg.errors import EngineFailure

        prologue = "".join(f"PREFIX {p}: <{iri}>\n" for p, iri in QUERY_PREFIXES.items())
        params = [("query", prologue + request.query)]
        if request.default_graphs or request.named_graphs:
            params += [("default-graph-uri", g) for g in request.default_graphs or ()]
            params += [("named-graph-uri", g) for g in request.named_graphs or ()]
        elif not has_dataset_clause(request.query):  # parsed: the remote store's default graph is not ours
            params += [("default-graph-uri", g) for g in DEFAULT_UNION] + [("named-graph-uri", g) for g in self.named]
        http_request = urllib.request.Request(
            self.endpoint, data=urllib.parse.urlencode(params).encode(), method="POST",
            headers={"Content-Type": "application/x-www-form-urlencoded",
                     "Accept": "application/sparql-results+json, application/n-triples;q=0.9"})
        try:
            with urllib.request.urlopen(http_request, timeout=self.timeout) as response:
                media, body = response.headers.get_content_type(), response.read()
        except urllib.error.HTTPError as error:
            with error:
                detail = error.read().decode("utf-8", "replace").strip()[:1000]
            if error.code == 400:
                raise QueryError(f"malformed query: {detail}") from None
            log.warning("remote store answered %s: %s", error.code, detail)
            raise EngineFailure(f"the remote store answered {error.code}; its message is logged") from None
        except (urllib.error.URLError, OSError) as error:
            log.warning("cannot reach the remote store %s: %s", self.endpoint, getattr(error, "reason", error))
            raise EngineFailure("cannot reach the remote store; the error is logged") from None
        if media == "application/n-triples":
            return graph(ox.parse(body, format=ox.RdfFormat.N_TRIPLES), request)
        data = json.loads(body)
        if "boolean" in data:
            return boolean(bool(data["boolean"]), request)
        variables = data["head"]["vars"]
        rows = ([json_term(binding.get(name)) for name in variables] for binding in data["results"]["bindings"])
        return solutions(variables, rows, request)
