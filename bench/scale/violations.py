"""The violations the generator can put into a block: each breaks exactly one constraint of ontology/shapes.ttl.

``break_block(kind, block, world, i)`` changes block ``i`` in place and returns the
focus node that the validation report must name, once, for that kind.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bench.scale.statements import Block, Statement
from cqkg.namespaces import CURATED_GRAPH, PREFIXES

if TYPE_CHECKING:  # for the type hints only (generate imports this module)
    from bench.scale.generate import World

#: Each kind and the shape it breaks (in the order the generator cycles through them).
KINDS = (
    "no-english-label",            # cqsh:EnglishLabelShape
    "implausible-founding-year",   # cqsh:PlausibleFoundingYear
    "located-in-not-a-place",      # cqsh:OrganisationShape, cq:locatedIn sh:class cq:Place
    "observation-without-unit",    # cqsh:ObservationShape, cq:unit sh:minCount 1
    "percentage-over-100",         # cqsh:PercentIsPlausible
    "malformed-division-code",     # cqsh:AdministrativeDivisionShape, sh:pattern
    "no-provenance",               # cqsh:EntityProvenanceShape
    "malformed-wikidata-link",     # cqsh:LinkPatternConstraint
    "sentence-offsets-disagree",   # cqsh:SentenceShape's SPARQL constraint
    "new-rd-institution-alone",    # cqsh:NewRDInstitutionShape, sh:minCount 1
)


@dataclass(frozen=True)
class Violation:
    """One violation put in: its kind and the focus node (a full IRI)."""

    kind: str
    focus: str


def break_block(kind: str, block: Block, world: "World", i: int) -> Violation:
    """Break block ``i`` with a violation of ``kind``; return it."""
    org, observation, sentence = world.org(i), f"cqobservation:synth-{i}", f"cqsource:synth-s{i}"
    focus = org
    if kind == "no-english-label":
        focus = _extra_org(block, sentence, f"cqorg:synth-unnamed-{i}", world.district(i), english=False)
    elif kind == "implausible-founding-year":
        focus = _extra_org(block, sentence, f"cqorg:synth-ancient-{i}", world.district(i),
                           [("cq:foundingYear", '"1000"^^xsd:gYear')])
    elif kind == "located-in-not-a-place":
        focus = _extra_org(block, sentence, f"cqorg:synth-misplaced-{i}", world.org(i))
    elif kind == "observation-without-unit":
        _drop(block, observation, "cq:unit")
        focus = observation
    elif kind == "percentage-over-100":
        pairs = block.get(observation).pairs
        pairs[:] = [p for p in pairs if p[0] not in ("cq:unit", "sdmx-measure:obsValue")]
        pairs += [("cq:unit", "cq:Percent"), ("sdmx-measure:obsValue", "150.5")]
        focus = observation
    elif kind == "malformed-division-code":
        focus = _extra(block, f"<{CURATED_GRAPH}>", f"cqplace:synth-bad-district-{i}", [
            ("a", "cq:District"), ("rdfs:label", f'"Synthetic misnumbered district {i}"@en'),
            ("rdfs:label", f'"合成错码区{i}"@zh'), ("cq:divisionCode", '"5X0001"'),
            ("cq:locatedIn", "cqplace:synth-municipality"), ("cq:curated", "true"),
            ("dcterms:source", "<https://example.org/synthetic/reference>")])
    elif kind == "no-provenance":
        focus = _extra_org(block, f"<{CURATED_GRAPH}>", f"cqorg:synth-orphan-{i}", world.district(i))
    elif kind == "malformed-wikidata-link":
        block.get(org).pairs.append(("skos:exactMatch", f"<http://www.wikidata.org/entity/X{i}>"))
    elif kind == "sentence-offsets-disagree":
        pairs = block.get(sentence).pairs
        pairs[:] = [(p, str(int(o) + 1) if p == "cq:charEnd" else o) for p, o in pairs]
        focus = sentence
    elif kind == "new-rd-institution-alone":
        focus = _extra(block, sentence, f"cqorg:synth-lonely-{i}", [
            ("a", "cq:NewRDInstitution"), ("rdfs:label", f'"Synthetic lonely institution {i}"@en'),
            ("rdfs:label", f'"合成孤立机构{i}"@zh'), ("cq:locatedIn", world.district(i))])
    else:
        raise ValueError(f"unknown violation kind {kind!r}")
    return Violation(kind, expand(focus))


def expand(name: str) -> str:
    """The full IRI of a prefixed name such as ``cqorg:synth-1``."""
    prefix, _, local = name.partition(":")
    return PREFIXES[prefix] + local


def _drop(block: Block, subject: str, prop: str, which=lambda o: True) -> None:
    statement = block.get(subject)
    statement.pairs[:] = [(p, o) for p, o in statement.pairs if not (p == prop and which(o))]


def _extra_org(block: Block, graph: str, subject: str, place: str, pairs=(), english: bool = True) -> str:
    """Add a plain cq:Organisation located in ``place``, labelled in Chinese (and English), with ``pairs``."""
    labels = [("rdfs:label", f'"Synthetic organisation {subject.partition(":")[2]}"@en')] if english else []
    chinese = ("rdfs:label", f'"合成机构{subject.partition(":")[2]}"@zh')
    return _extra(block, graph, subject, [("a", "cq:Organisation"), *labels, chinese, ("cq:locatedIn", place), *pairs])


def _extra(block: Block, graph: str, subject: str, pairs: list[tuple[str, str]]) -> str:
    block.statements.append(Statement(graph, subject, pairs))
    return subject
