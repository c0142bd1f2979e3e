"""The source document as data: verbatim sentences, full coverage of its content, and every sentence cited."""

from __future__ import annotations

import hashlib
import re

SOURCE = "sources/outline-of-chongqing-2018.txt"


def _sentences(kg):
    return kg.select("""
        SELECT ?s ?n ?text ?start ?end WHERE {
            ?s a cq:Sentence ; cq:sentenceNumber ?n ; schema:text ?text ; cq:charStart ?start ; cq:charEnd ?end
        } ORDER BY ?n""")


def _headings(kg):
    return kg.select("SELECT ?title ?start ?end WHERE { ?h a cq:Section ; dcterms:title ?title ; cq:charStart ?start ; cq:charEnd ?end }")


def test_every_sentence_is_verbatim_at_its_offsets(kg, root):
    text = (root / SOURCE).read_text(encoding="utf-8")
    sentences = _sentences(kg)
    assert len(sentences) == 33
    for row in sentences:
        assert text[row["start"]:row["end"]] == row["text"], f"sentence {row['n']} does not match the source at its offsets"


def test_sentences_are_numbered_in_document_order(kg):
    sentences = _sentences(kg)
    assert [row["n"] for row in sentences] == list(range(1, 34))
    starts = [row["start"] for row in sentences]
    assert starts == sorted(starts)
    assert all(a["end"] <= b["start"] for a, b in zip(sentences, sentences[1:])), "sentences overlap"


def test_sentences_and_headings_cover_all_content_before_the_boilerplate(kg, root):
    text = (root / SOURCE).read_text(encoding="utf-8")
    content_end = text.index("(source: The outline of Chongqing 2018)")
    covered = [False] * len(text)
    for row in _sentences(kg) + _headings(kg):
        for i in range(row["start"], row["end"]):
            covered[i] = True
    missed = "".join(c if not covered[i] and not c.isspace() else " " for i, c in enumerate(text[:content_end]))
    assert not missed.strip(), f"content not in any sentence or heading: {re.sub(' +', ' ', missed).strip()[:200]}"


def test_boilerplate_is_not_content(kg):
    texts = " ".join(row["text"] for row in _sentences(kg))
    for boilerplate in ("cookie", "Privacy", "service@ichongqing.info", "A Tour in Chongqing", "Leaving a message"):
        assert boilerplate not in texts


def test_document_records_the_checksum_of_the_kept_copy(kg, root):
    [row] = kg.select("SELECT ?sha WHERE { cqsource:outline-2018 schema:sha256 ?sha }")
    assert row["sha"] == hashlib.sha256((root / SOURCE).read_bytes()).hexdigest()


def test_every_content_sentence_is_cited_by_a_fact(kg):
    rows = kg.select("""
        SELECT ?n (COUNT(?s) AS ?facts) WHERE {
            ?sentence a cq:Sentence ; cq:sentenceNumber ?n .
            OPTIONAL { GRAPH ?sentence { ?s ?p ?o } }
        } GROUP BY ?n ORDER BY ?n""")
    uncited = [row["n"] for row in rows if row["facts"] == 0]
    assert len(rows) == 33
    assert not uncited, f"sentences cited by no fact: {uncited} — add their facts to data/ in the graph named by the sentence"


def test_a_fact_leads_to_its_sentence_and_back(kg):
    rows = kg.select("""
        SELECT ?n WHERE {
            GRAPH ?sentence { cqorg:continental-ag cq:hasRDCentreIn cqplace:chongqing }
            ?sentence cq:sentenceNumber ?n }""")
    assert [row["n"] for row in rows] == [16]
    facts = kg.select("SELECT ?s WHERE { GRAPH cqsource:outline-2018-s16 { ?s cq:hasRDCentreIn ?place } }")
    assert {row["s"].rsplit("/", 1)[1] for row in facts} == {"continental-ag", "qualcomm", "nxp"}


def test_entities_stated_by_a_sentence_are_derived_from_it(kg):
    rows = kg.select("SELECT ?sentence WHERE { cqorg:cigit prov:wasDerivedFrom ?sentence }")
    assert [row["sentence"] for row in rows] == ["https://w3id.org/cqkg/id/source/outline-2018-s14"]
