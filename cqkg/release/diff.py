"""Compare two releases: the triples added and removed in each named graph.

A release is a dump with named graphs: an N-Quads or TriG file (optionally
gzip-compressed), or a release folder holding ``cqkg-all.nq``.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from cqkg.errors import InputMissingError
from cqkg.build.load import parse_text
from cqkg.formats import QUAD_FORMATS, file_format



@dataclass
class GraphChange:
    """What changed in one graph: triples added and removed (N-Triples lines, sorted)."""

    graph: str
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)


def load_release(path: Path) -> dict[str, set[str]]:
    """Return {graph IRI: set of N-Triples lines} for the release at ``path``."""
    path = Path(path)
    if path.is_dir():
        path = path / "cqkg-all.nq"
    if not path.is_file():
        raise InputMissingError(f"no release dump at {path}")
    name = path.name[:-3] if path.name.endswith(".gz") else path.name
    fmt = file_format(name, QUAD_FORMATS)
    if fmt is None:
        raise InputMissingError(f"{path}: a release is an .nq or .trig file (optionally .gz), or a release folder")
    raw = path.read_bytes()
    text = (gzip.decompress(raw) if path.name.endswith(".gz") else raw).decode("utf-8")
    graphs: dict[str, set[str]] = {}
    for quad in parse_text(text, fmt, str(path)):
        graph = quad.graph_name.value if isinstance(quad.graph_name, ox.NamedNode) else "(default graph)"
        graphs.setdefault(graph, set()).add(f"{quad.subject} {quad.predicate} {quad.object} .")
    return graphs


def diff(old: Path, new: Path) -> list[GraphChange]:
    """The changes from release ``old`` to release ``new``, one per graph that changed, by graph IRI."""
    before, after = load_release(old), load_release(new)
    changes = []
    for graph in sorted(set(before) | set(after)):
        was, now = before.get(graph, set()), after.get(graph, set())
        if was != now:
            changes.append(GraphChange(graph, sorted(now - was), sorted(was - now)))
    return changes


def render(changes: list[GraphChange], show_triples: bool = True) -> str:
    """The changes as text: a summary line per graph, then its triples prefixed with + and -."""
    if not changes:
        return "no change\n"
    lines = []
    for change in changes:
        lines.append(f"<{change.graph}>: +{len(change.added)} -{len(change.removed)}")
        if show_triples:
            lines += [f"  + {t}" for t in change.added] + [f"  - {t}" for t in change.removed]
    total_added = sum(len(c.added) for c in changes)
    total_removed = sum(len(c.removed) for c in changes)
    lines.append(f"{len(changes)} graphs changed: +{total_added} -{total_removed} triples")
    return "\n".join(lines) + "\n"
