"""A deterministic generator of synthetic cqkg projects, shaped like the shipped data, at any size.

``generate(root, quads)`` writes a project below ``root``: the repository's
``ontology/`` (so the same shapes and axioms apply), a synthetic source text in
``sources/`` and data files in ``data/synthetic/``:

- ``reference.trig``: the source document and its sections, a municipality with
  districts (codes, centroid geometries), countries, concept schemes of research
  fields (with a ``skos:broader`` hierarchy), industries and indicators, industrial
  clusters and the statistics data set, all curated with a ``dcterms:source``;
- ``part-NNNN.trig``: blocks of one sentence each (in ``graph/source``, with its
  offsets in the source text) and, in the sentence's graph, an organisation of the
  next class of the ontology's organisation classes (district, partner, parent,
  field, founding year, class-specific links: hosts, joint founders, R&D centre's
  enterprise, clusters, countries) and a statistical observation (indicator, area,
  period, value, unit); every third block adds curated facts with their source.

Every IRI has a ``synth`` slug and every source is under https://example.org/synthetic/,
so nothing passes for real data. With ``violations=True`` every ``stride``-th block
breaks one shape, cycling through ``bench.scale.violations.KINDS``; the result says
which focus nodes violate what. Same arguments, same bytes.
"""

from __future__ import annotations

import hashlib
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from bench.scale.statements import Block, Statement
from bench.scale.violations import KINDS, break_block
from cqkg.namespaces import CURATED_GRAPH, DEF, PREFIXES, SOURCE_GRAPH

REPO = Path(__file__).resolve().parents[2]
SOURCE = "https://example.org/synthetic/"
#: Prefixes of the generated files (those of the data files they imitate).
USED_PREFIXES = ("cq", "cqcluster", "cqdataset", "cqfield", "cqgeometry", "cqindustry", "cqobservation", "cqorg",
                 "cqplace", "cqscheme", "cqsource", "cqindicator", "dcterms", "geo", "org", "qb", "rdfs", "schema",
                 "sdmx-dimension", "sdmx-measure", "skos", "xsd")
HEADER = "".join(f"@prefix {name}: <{PREFIXES[name]}> .\n" for name in USED_PREFIXES)
ORG_CLASSES = """SELECT DISTINCT ?class WHERE { ?class rdfs:subClassOf* cq:Organisation } ORDER BY ?class"""
BLOCKS_PER_DISTRICT, BLOCKS_PER_FIELD, BLOCKS_PER_SECTION = 40, 25, 500


@dataclass
class Generated:
    """What was written: quads, blocks, files, and the violations put in (kind → focus node IRIs)."""

    quads: int
    blocks: int
    files: list[Path] = field(default_factory=list)
    violations: dict[str, list[str]] = field(default_factory=dict)

    def violation_count(self) -> int:
        """The number of violations put in, all kinds together."""
        return sum(len(nodes) for nodes in self.violations.values())


def generate(root: Path, quads: int, violations: bool = False, stride: int = 7, file_quads: int = 25_000) -> Generated:
    """Write a synthetic project of about ``quads`` data quads below ``root`` (see the module docstring)."""
    root = Path(root)
    shutil.rmtree(root / "ontology", ignore_errors=True)
    shutil.copytree(REPO / "ontology", root / "ontology")
    classes = organisation_classes(root / "ontology" / "cqkg.ttl")
    blocks = max(len(classes), _blocks_for(quads))
    world = World(blocks, classes)
    folder = root / "data" / "synthetic"
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    texts = [sentence_text(i) for i in range(1, blocks + 1)]
    source_text = "\n".join(texts) + "\n"
    (root / "sources").mkdir(exist_ok=True)
    (root / "sources" / "synthetic-outline.txt").write_text(source_text, encoding="utf-8")
    result = Generated(quads=0, blocks=blocks)
    reference = world.reference(hashlib.sha256(source_text.encode("utf-8")).hexdigest(), len(source_text))
    result.quads += _write(folder / "reference.trig", reference, result)
    offset, chunk, number = 0, [], 1
    for i in range(1, blocks + 1):
        block = world.block(i, offset, texts[i - 1])
        offset += len(texts[i - 1]) + 1
        if violations and i % stride == 0:
            kind = KINDS[(i // stride - 1) % len(KINDS)]
            violation = break_block(kind, block, world, i)
            result.violations.setdefault(kind, []).append(violation.focus)
        chunk.extend(block.statements)
        if sum(len(s.pairs) for s in chunk) >= file_quads or i == blocks:
            result.quads += _write(folder / f"part-{number:04d}.trig", chunk, result)
            chunk, number = [], number + 1
    return result


def organisation_classes(ontology: Path) -> list[str]:
    """Every class of the ontology below cq:Organisation (itself included), sorted."""
    store = ox.Store()
    store.bulk_load(path=str(ontology), format=ox.RdfFormat.TURTLE)
    return [row["class"].value for row in store.query(ORG_CLASSES, prefixes=PREFIXES)]


def sentence_text(i: int) -> str:
    """The text of synthetic sentence ``i`` (it names the block's organisation and figure)."""
    return f"Synthetic sentence {i} names synthetic organisation {i} and states synthetic figure {i}."


class World:
    """The reference entities of a generated project and the blocks that point to them."""

    def __init__(self, blocks: int, classes: list[str]):
        self.blocks, self.classes = blocks, classes
        self.districts = max(2, blocks // BLOCKS_PER_DISTRICT)
        self.fields = max(3, blocks // BLOCKS_PER_FIELD)
        self.clusters = max(1, self.fields // 10)
        self.indicators, self.countries, self.industries = 12, 20, 8
        self.sections = max(1, -(-blocks // BLOCKS_PER_SECTION))

    def district(self, i: int) -> str:
        """The district of block ``i``."""
        return f"cqplace:synth-district-{i % self.districts + 1}"

    def org(self, i: int) -> str:
        """The organisation of block ``i``."""
        return f"cqorg:synth-{i}"

    def class_of(self, i: int) -> str:
        """The class of block ``i``'s organisation (the ontology's organisation classes in turn)."""
        return self.classes[(i - 1) % len(self.classes)]

    def is_a(self, i: int, *names: str) -> bool:
        """True if block ``i``'s organisation class is one of ``names`` or below them (by name)."""
        return any(_local(self.class_of(i)).endswith(name) for name in names)

    def reference(self, sha256: str, length: int) -> list[Statement]:
        """The reference statements: source document, sections, places, schemes, concepts, data set."""
        curated = [("cq:curated", "true"), ("dcterms:source", f"<{SOURCE}reference>")]
        out = [Statement(f"<{SOURCE_GRAPH}>", "cqsource:synth", [
            ("a", "cq:SourceDocument"), *_labels("Synthetic outline", "合成概况"),
            ("dcterms:title", '"Synthetic outline"@en'), ("schema:sha256", f'"{sha256}"'),
            ("cq:charStart", "0"), ("cq:charEnd", str(length))])]
        for k in range(1, self.sections + 1):
            out.append(Statement(f"<{SOURCE_GRAPH}>", f"cqsource:synth-section-{k}", [
                ("a", "cq:Section"), *_labels(f"Synthetic section {k}", f"合成第{k}节"),
                ("dcterms:title", f'"Synthetic section {k}"@en'), ("dcterms:isPartOf", "cqsource:synth"),
                ("schema:position", str(k))]))
        g = f"<{CURATED_GRAPH}>"
        out.append(Statement(g, "cqplace:synth-municipality", [
            ("a", "cq:Municipality"), *_labels("Synthetic municipality", "合成直辖市"),
            ("cq:divisionCode", '"590000"'), *curated]))
        for k in range(1, self.districts + 1):
            out.append(Statement(g, f"cqplace:synth-district-{k}", [
                ("a", "cq:District"), *_labels(f"Synthetic district {k}", f"合成区{k}"),
                ("cq:divisionCode", f'"5{k % 100000:05d}"'), ("cq:locatedIn", "cqplace:synth-municipality"),
                ("geo:hasGeometry", f"cqgeometry:synth-district-{k}"), *curated]))
            centroid = _labels(f"Synthetic district {k} (centroid)", f"合成区{k}（几何中心）")
            out.append(Statement(g, f"cqgeometry:synth-district-{k}", [
                ("a", "geo:Geometry"), *centroid,
                ("geo:asWKT", f'"POINT({106 + k % 100 / 100:.2f} {29 + k % 90 / 100:.2f})"^^geo:wktLiteral'),
                *curated]))
        for k in range(1, self.countries + 1):
            code = chr(65 + (k - 1) // 26) + chr(65 + (k - 1) % 26)
            out.append(Statement(g, f"cqplace:synth-country-{k}", [
                ("a", "cq:Country"), *_labels(f"Synthetic country {k}", f"合成国家{k}"),
                ("skos:notation", f'"{code}"'), *curated]))
        out += self._schemes(g, curated)
        out.append(Statement(g, "cqdataset:synth-statistics", [
            ("a", "qb:DataSet"), *_labels("Synthetic statistics", "合成统计"), *curated]))
        return out

    def _schemes(self, g: str, curated) -> list[Statement]:
        out = []
        for scheme, concept, count, english, chinese in (
                ("fields", "cqfield:synth-field", self.fields, "research field", "研究领域"),
                ("industries", "cqindustry:synth-industry", self.industries, "industry", "产业"),
                ("indicators", "cqindicator:synth-indicator", self.indicators, "indicator", "指标")):
            out.append(Statement(g, f"cqscheme:synth-{scheme}", [
                ("a", "skos:ConceptScheme"), *_labels(f"Synthetic {scheme}", f"合成{chinese}"), *curated]))
            kind = {"fields": "cq:ResearchField", "industries": "cq:Industry", "indicators": "cq:Indicator"}[scheme]
            for k in range(1, count + 1):
                pairs = [("a", kind), ("skos:prefLabel", f'"Synthetic {english} {k}"@en'),
                         ("skos:prefLabel", f'"合成{chinese}{k}"@zh'), ("skos:inScheme", f"cqscheme:synth-{scheme}")]
                if scheme == "fields" and k > 3:
                    pairs.append(("skos:broader", f"{concept}-{k // 4}"))
                out.append(Statement(g, f"{concept}-{k}", pairs + list(curated)))
        for k in range(1, self.clusters + 1):
            out.append(Statement(g, f"cqcluster:synth-cluster-{k}", [
                ("a", "cq:IndustrialCluster"), *_labels(f"Synthetic cluster {k}", f"合成产业集群{k}"),
                ("cq:basedOnField", f"cqfield:synth-field-{k}"), *curated]))
        return out

    def block(self, i: int, offset: int, text: str) -> Block:
        """The statements of block ``i``, whose sentence starts at ``offset`` in the source text."""
        sentence = f"cqsource:synth-s{i}"
        section = f"cqsource:synth-section-{(i - 1) // BLOCKS_PER_SECTION + 1}"
        block = Block([Statement(f"<{SOURCE_GRAPH}>", sentence, [
            ("a", "cq:Sentence"), *_labels(f"Sentence {i} of the synthetic outline", f"合成概况第{i}句"),
            ("schema:text", f'"{text}"@en'), ("dcterms:isPartOf", section), ("cq:sentenceNumber", str(i)),
            ("schema:position", str(i)), ("cq:charStart", str(offset)), ("cq:charEnd", str(offset + len(text)))])])
        block.statements.append(Statement(sentence, self.org(i), self._org_pairs(i)))
        block.statements.append(Statement(sentence, f"cqobservation:synth-{i}", self._observation_pairs(i)))
        if i % 3 == 0:
            block.statements.append(Statement(f"<{CURATED_GRAPH}>", self.org(i), [
                ("skos:altLabel", f'"SYN-{i}"@en'), ("cq:foundingYear", f'"{1950 + i % 70}"^^xsd:gYear'),
                ("schema:url", f"<{SOURCE}org/{i}>"), ("cq:curated", "true"),
                ("dcterms:source", f"<{SOURCE}org/{i}/about>")]))
        return block

    def _org_pairs(self, i: int) -> list[tuple[str, str]]:
        name = _local(self.class_of(i))
        pairs = [("a", f"cq:{name}"), *_labels(f"Synthetic {name} {i}", f"合成机构{i}"),
                 ("cq:worksInField", f"cqfield:synth-field-{i % self.fields + 1}")]
        located = "cq:settledIn" if i % 2 and not self.is_a(i, "Laboratory", "ResearchCentre", "GovernmentBody") \
            else "cq:locatedIn"
        pairs.append((located, self.district(i)))
        if i > 1:
            pairs.append(("cq:partnerOf", self.org(i - 1)))
        if i % 10 and i > 10:
            pairs.append(("org:subOrganizationOf", self.org(i - i % 10)))
        if self.is_a(i, "NewRDInstitution"):
            pairs.append(("cq:establishedJointlyWith", self.org(i - 1) if i > 1 else self.org(i + 1)))
        if self.is_a(i, "Laboratory", "ResearchCentre"):
            pairs.append(("cq:hostedBy", self.org(i - 1) if i > 1 else self.org(i + 1)))
        if self.is_a(i, "Enterprise"):
            pairs += [("cq:hasRDCentreIn", self.district(i + 1)),
                      ("cq:supports", f"cqcluster:synth-cluster-{i % self.clusters + 1}")]
        if self.is_a(i, "RDCentre"):
            pairs.append(("cq:rdCentreOf", self.org(self._enterprise_near(i))))
        if self.is_a(i, "TechnologyTransferCentre", "ForeignEnterprise", "ForeignRDCentre"):
            country = f"cqplace:synth-country-{i % self.countries + 1}"
            pairs += [("cq:cooperationCountry", country), ("cq:country", country)]
        if self.is_a(i, "University", "HigherEducationInstitution", "MilitaryAcademy"):
            pairs.append(("cq:moeInstitutionCode", f'"4{i % 10 ** 9:09d}"'))
        return pairs

    def _enterprise_near(self, i: int) -> int:
        """The nearest block before or after ``i`` whose organisation is an enterprise."""
        for distance in range(1, len(self.classes) + 1):
            for j in (i - distance, i + distance):
                if 1 <= j <= self.blocks and self.is_a(j, "Enterprise"):
                    return j
        raise ValueError("the ontology has no enterprise class")

    def _observation_pairs(self, i: int) -> list[tuple[str, str]]:
        unit, value = (("cq:Count", str(i * 7 % 5000)) if i % 2 else ("cq:Percent", f"{i * 13 % 1000 / 10:.1f}"))
        return [("a", "qb:Observation"), *_labels(f"Synthetic figure {i}", f"合成数据{i}"),
                ("qb:dataSet", "cqdataset:synth-statistics"),
                ("cq:indicator", f"cqindicator:synth-indicator-{i % self.indicators + 1}"),
                ("sdmx-dimension:refArea", self.district(i)),
                ("sdmx-dimension:refPeriod", f'"{1990 + i % 30}"^^xsd:gYear'), ("sdmx-measure:obsValue", value),
                ("cq:unit", unit), ("cq:valueBound", "cq:ExactValue"), ("cq:periodBasis", "cq:StatedPeriod")]


def _labels(english: str, chinese: str) -> list[tuple[str, str]]:
    return [("rdfs:label", f'"{english}"@en'), ("rdfs:label", f'"{chinese}"@zh')]


def _local(iri: str) -> str:
    return iri[len(DEF):] if iri.startswith(DEF) else iri.rsplit("/", 1)[-1].rsplit("#", 1)[-1]


def _blocks_for(quads: int) -> int:
    """Blocks for about ``quads`` data quads (a block is about 31 quads with its share of reference data)."""
    return max(1, round(quads / 31.3))


def _write(path: Path, statements: list[Statement], result: Generated) -> int:
    """Write ``statements`` as TriG, one graph block per run of statements in the same graph; return the quads."""
    lines, graph, count = [HEADER], None, 0
    for statement in statements:
        if statement.graph != graph:
            lines.append("}\n\n" if graph else "\n")
            lines.append(f"{statement.graph} {{\n")
            graph = statement.graph
        body = " ;\n    ".join(f"{p} {o}" for p, o in statement.pairs)
        lines.append(f"{statement.subject}\n    {body} .\n")
        count += len(statement.pairs)
    lines.append("}\n")
    path.write_text("".join(lines), encoding="utf-8")
    result.files.append(path)
    return count

