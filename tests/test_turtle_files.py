"""The Turtle and TriG files read like documents: a header, only the prefixes they use,
prefix names that say what they abbreviate (``cq<kind>:`` for ``id/<kind>/``)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest

from cqkg.formats import file_format
from cqkg.namespaces import ID, LEGACY_PREFIXES, PREFIXES, QUERY_PREFIXES

ROOT = Path(__file__).resolve().parent.parent
RDF_FILES = sorted([*ROOT.glob("data/**/*.trig"), *ROOT.glob("ontology/*.ttl")])


def declared_prefixes(text: str, fmt) -> dict[str, str]:
    """The prefixes the parser saw declared in ``text``."""
    parser = ox.parse(text.encode(), format=fmt)
    list(parser)
    return dict(parser.prefixes)


def parses(text: str, fmt) -> bool:
    try:
        list(ox.parse(text.encode(), format=fmt))
    except SyntaxError:
        return False
    return True


@pytest.mark.parametrize("path", RDF_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_file_declares_only_the_prefixes_it_uses(path):
    text, fmt = path.read_text(encoding="utf-8"), file_format(path)
    lines = text.split("\n")
    for name in declared_prefixes(text, fmt):
        without = "\n".join(line for line in lines if line.split()[:2] != ["@prefix", f"{name}:"])
        assert not parses(without, fmt), f"{path.name} declares {name}: but does not use it"


@pytest.mark.parametrize("path", RDF_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_prefix_names_are_the_shared_ones(path):
    for name, iri in declared_prefixes(path.read_text(encoding="utf-8"), file_format(path)).items():
        assert name not in LEGACY_PREFIXES, f"{path.name}: {name}: is a release-0.1 name; use the cq<kind> one"
        if name in PREFIXES:
            assert iri == PREFIXES[name], f"{path.name}: {name}: names {iri}, not {PREFIXES[name]}"
        if iri.startswith(ID) and iri.count("/") == ID.count("/") + 1:
            assert name == "cq" + iri[len(ID):-1], f"{path.name}: {name}: abbreviates {iri}"


@pytest.mark.parametrize("path", RDF_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_file_opens_with_a_header_comment(path):
    assert path.read_text(encoding="utf-8").startswith("# "), f"{path.name} has no header saying what it holds"


def test_entity_prefixes_follow_the_kinds_and_old_names_still_work_in_queries(kg):
    assert all(PREFIXES[name] == f"{ID}{name[2:]}/" for name in PREFIXES if PREFIXES[name].startswith(ID))
    old = kg.select("SELECT (COUNT(*) AS ?n) WHERE { ?o cq:indicator cqstat:rd-expenditure }")
    new = kg.select("SELECT (COUNT(*) AS ?n) WHERE { ?o cq:indicator cqindicator:rd-expenditure }")
    assert old == new and int(new[0]["n"]) > 0
    assert set(LEGACY_PREFIXES) <= set(QUERY_PREFIXES)
