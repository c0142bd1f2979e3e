"""Search by name: the folding, the ranking, and /search as HTML and JSON (Flask test client over the session's build)."""

from __future__ import annotations

import pytest

from cqkg.namespaces import ID
from cqkg.search import SearchIndex, rank
from cqkg.search.fold import fold, pinyin, pinyin_query

CQU = ID + "org/chongqing-university"


@pytest.fixture(scope="module")
def index(kg) -> SearchIndex:
    return SearchIndex.build(kg)


def top(index, text: str) -> str:
    return rank(index, text, 1)[0].entry.iri


def test_folding_removes_accents_case_script_and_tones():
    assert fold("Chóngqìng  Dàxué!") == "chongqingdaxue"
    assert fold("重慶大學") == fold("重庆大学") == "重庆大学"
    assert pinyin("重庆大学") == ("chong", "qing", "da", "xue")
    assert pinyin_query("chong2qing4 da4xue2") == pinyin_query("chóngqìng dàxué") == "chongqingdaxue"
    assert pinyin_query("lvse") == "luse" and pinyin_query("重庆") == "" and pinyin_query("500103") == ""


@pytest.mark.parametrize("text", ["chongqing daxue", "chóngqìng dàxué", "chongqingdaxue", "Chongqing Daxue",
                                  "chong2qing4 da4xue2", "重慶大學", "重庆大学", "chongqing university", "CQU"])
def test_chongqing_university_ranks_first(index, text):
    assert top(index, text) == CQU


def test_exact_label_scores_100_and_ranks_before_partial_matches(index):
    hits = rank(index, "Chongqing University", 5)
    assert hits[0].entry.iri == CQU and hits[0].score == 100
    assert all(h.score < 100 for h in hits[1:]) and hits[1].entry.iri.startswith(ID + "org/chongqing-university-of")


def test_partial_words_chinese_substrings_and_word_order(index):
    assert top(index, "chongqing univ") == CQU
    assert top(index, "重庆大") == CQU
    assert top(index, "绿色智能") == ID + "org/cigit"
    assert top(index, "univ chongqing") == CQU
    assert top(index, "xinan daxue") == ID + "org/southwest-university"


def test_a_typo_still_finds_the_entity_and_nonsense_finds_nothing(index):
    assert top(index, "Chongqign University") == CQU
    assert rank(index, "zzqqxx") == []


def test_index_holds_labels_aliases_and_the_most_specific_stated_type(index):
    entry = index.entries[CQU]
    assert (entry.label, entry.label_zh, entry.type_label) == ("Chongqing University", "重庆大学", "public university")
    assert {"CQU", "重庆大学"} <= {n.text for n in entry.names}
    assert index.labels(ID + "org/cigit")[1] == "中国科学院重庆绿色智能技术研究院"
    assert index.entries["https://w3id.org/cqkg/def/HigherEducationInstitution"].type_label == "owl:Class"


def test_search_json(client):
    answer = client.get("/search?q=chongqing+daxue&format=json")
    assert answer.status_code == 200 and answer.mimetype == "application/json"
    body = answer.json
    assert body["query"] == "chongqing daxue"
    first = body["results"][0]
    assert first == {"id": CQU, "label": "Chongqing University", "labelZh": "重庆大学", "type": "public university",
                     "score": 98.0, "url": "/id/org/chongqing-university", "matched": "重庆大学"}
    assert [r["score"] for r in body["results"]] == sorted((r["score"] for r in body["results"]), reverse=True)


def test_search_negotiates_json_and_html_by_accept(client):
    as_json = client.get("/search?q=cigit", headers={"Accept": "application/json"})
    assert as_json.mimetype == "application/json" and as_json.json["results"][0]["id"] == ID + "org/cigit"
    assert "Accept" in as_json.headers["Vary"]
    preferred_html = client.get("/search?q=cigit", headers={"Accept": "application/json;q=0.5, text/html"})
    assert preferred_html.mimetype == "text/html"


def test_search_html_lists_hits_with_type_and_local_links(client):
    page = client.get("/search?q=%E9%87%8D%E6%85%B6%E5%A4%A7%E5%AD%B8", headers={"Accept": "text/html"})  # 重慶大學
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert '<a class="label" href="/id/org/chongqing-university">Chongqing University</a>' in html
    assert '<span class="zh" lang="zh">重庆大学</span>' in html and "public university" in html
    assert 'value="重慶大學"' in html  # the search box keeps the query


def test_search_page_without_a_query_is_the_empty_form(client):
    page = client.get("/search")
    assert page.status_code == 200 and b'id="hits"' not in page.data and b"chongqing daxue" in page.data


@pytest.mark.parametrize("query, message", [
    ("q=" + "x" * 201, "'q' is too long"),
    ("q=cq&limit=0", "'limit' must be"), ("q=cq&limit=abc", "'limit' must be"), ("q=cq&limit=101", "'limit' must be"),
    ("q=cq&format=xml", "unknown format"),
    ("format=json", "'q' is required"), ("q=%20&format=json", "'q' is required"),
])
def test_bad_parameters_are_400_with_one_line(client, query, message):
    answer = client.get("/search?" + query)
    assert answer.status_code == 400
    detail = answer.json["error"]["detail"]
    assert message in detail and "\n" not in detail


def test_limit_bounds_the_results(client):
    assert len(client.get("/search?q=chongqing&format=json&limit=3").json["results"]) == 3
    assert len(client.get("/search?q=a&format=json").json["results"]) == 20


def test_one_index_per_app_shared_with_reconciliation(client, app):
    client.get("/search?q=cigit&format=json")
    index = app.extensions["cqkg.search"]
    client.get("/search?q=cqu&format=json")
    client.get("/reconcile/suggest/entity?prefix=cqu")
    assert app.extensions["cqkg.search"] is index and app.extensions["cqkg.reconciler"].index is index


@pytest.mark.parametrize("text", ["chongqing daxue", "重慶大學", "univ chongq", "a", "cq", "lvse", "Chongqign Univrsity",
                                  "Chongqing University of Technology and more words", "xue", "绿色", "500103"])
def test_the_candidates_hold_every_name_that_scores(index, text):
    from cqkg.search.rank import THRESHOLD, Query, score_name

    query = Query.of(text)
    scoring = {p for p, (_entry, name) in enumerate(index.table.names) if score_name(query, name) >= THRESHOLD}
    assert scoring <= index.table.candidates(query.key, query.pinyin, query.words, THRESHOLD / 0.95)
