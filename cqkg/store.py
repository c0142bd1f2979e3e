"""The built dataset, opened read-only in pyoxigraph, and SPARQL queries over it.

This is the one module that opens the built store: the CLI, the statistics, the
reconciliation service and the query engine all go through ``KnowledgeGraph``.
The default graph of every query is the store's default graph, which the build
fills with the union of the ontology, asserted and inferred graphs (so ``FROM``
works as written); the other graphs (curated, source, one per sentence, links) are
available by name with ``GRAPH``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pyoxigraph as ox

from cqkg.build.manifest import STORE, read_manifest, short_version
from cqkg.errors import NotBuiltError, QueryError
from cqkg.namespaces import QUERY_PREFIXES


class KnowledgeGraph:
    """The built cqkg dataset, read-only, with its manifest."""

    def __init__(self, store: ox.Store, manifest: dict):
        self.store = store
        self.manifest = manifest

    @classmethod
    def open(cls, build_dir: Path) -> "KnowledgeGraph":
        """Open the store built in ``build_dir`` read-only; raises NotBuiltError if there is none."""
        path = Path(build_dir) / STORE
        if not path.is_dir():
            raise NotBuiltError(f"no built dataset in {build_dir}: run `cqkg build` first")
        return cls(ox.Store.read_only(str(path)), read_manifest(Path(build_dir)))

    @property
    def version(self) -> str:
        """A short identifier of the dataset's content (the inputs' fingerprint)."""
        return short_version(self.manifest)

    def query(self, sparql: str, default_graph=None, named_graphs=None):
        """Run a SPARQL query; return pyoxigraph's QuerySolutions, QueryBoolean or QueryTriples.

        The cqkg prefixes (``cq:``, ``cqorg:``, ``rdfs:``…) are predeclared. Raises
        QueryError with the parser's message when the query is malformed.
        ``default_graph``/``named_graphs`` (lists of NamedNode) replace the dataset.
        """
        try:
            return self.store.query(sparql, default_graph=default_graph, named_graphs=named_graphs,
                                    prefixes=usable_prefixes(sparql))
        except SyntaxError as error:
            raise QueryError(f"malformed query: {parser_message(error, sparql)}") from None

    def select(self, sparql: str) -> list[dict[str, object]]:
        """Run a SELECT query and return its rows as dicts of variable name → Python value."""
        solutions = self.query(sparql)
        if not isinstance(solutions, ox.QuerySolutions):
            raise QueryError("expected a SELECT query")
        names = [v.value for v in solutions.variables]
        return [{name: python_value(row[name]) for name in names} for row in solutions]


def usable_prefixes(sparql: str) -> dict[str, str]:
    """The predeclared prefixes ``sparql`` can use: each whose ``name:`` occurs in it, or all of them.

    pyoxigraph turns every prefix it is given into an IRI on every call: passing only the
    used ones took a query worker's CPU for the cheap lookup from 95 to 83 µs (3,000
    queries, three runs each). A prefixed name is written ``name:`` in the text, except through
    ``\\u`` escapes, which the SPARQL grammar decodes before anything else: a text with
    one gets every prefix. Leaving one out would at worst make the parser report an
    unknown prefix, never change what a query means.
    """
    if "\\u" in sparql or "\\U" in sparql:
        return QUERY_PREFIXES
    return {name: iri for name, iri in QUERY_PREFIXES.items() if name + ":" in sparql}


def parser_message(error: SyntaxError, text: str) -> str:
    """pyoxigraph's parse error on one short line: its position, and what it expected without character ranges."""
    message = " ".join(str(error).split())
    where, _, reason = message.partition(": ")
    if "Prefix not found" in reason:
        match = re.match(r"error at (\d+):(\d+)", where)
        if match:
            line, column = int(match.group(1)), int(match.group(2))
            lines = text.splitlines() or [""]
            start = lines[min(line, len(lines)) - 1][:column - 1]
            name = re.search(r"([^\s{}()\[\];,.<>]*)$", start).group(1)
            return f"{where}: unknown prefix '{name.split(':')[0]}:' (declare it with PREFIX)"
    if reason.startswith("expected one of "):
        items = re.split(r", (?=\[|[A-Za-z\"'])", reason.removeprefix("expected one of "))
        words = [item for item in items if not item.startswith("[")]
        reason = "expected one of " + ", ".join(words[:12]) + (" …" if len(words) < len(items) or len(words) > 12 else "")
    return f"{where}: {reason}"[:400]


def python_value(term):
    """Convert a pyoxigraph term to a plain Python value (str, int, float, bool) or None."""
    if term is None:
        return None
    if isinstance(term, ox.Literal):
        datatype = term.datatype.value.rsplit("#", 1)[-1]
        if datatype in {"integer", "int", "long", "nonNegativeInteger", "positiveInteger"}:
            return int(term.value)
        if datatype in {"decimal", "double", "float"}:
            return float(term.value)
        if datatype == "boolean":
            return term.value == "true"
        return term.value
    return term.value
