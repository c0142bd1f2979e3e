"""The reconciliation service, with requests shaped as OpenRefine 3.x sends them, against the live server."""

from __future__ import annotations

import json
import urllib.parse

from conftest import fetch

FORM = {"Content-Type": "application/x-www-form-urlencoded"}


def post(server, **fields) -> dict:
    data = urllib.parse.urlencode({k: json.dumps(v) for k, v in fields.items()}).encode()
    answer = fetch(server.base + "/reconcile", data=data, headers=FORM)
    assert answer.status == 200, answer.text
    assert answer.headers["Access-Control-Allow-Origin"] == "*"
    return answer.json()


def test_manifest(server):
    manifest = fetch(server.base + "/reconcile").json()
    assert manifest["versions"] == ["0.2"] and manifest["identifierSpace"] == "https://w3id.org/cqkg/id/"
    assert {"id": "HigherEducationInstitution", "name": "higher-education institution"} in manifest["defaultTypes"]
    assert manifest["view"]["url"] == server.base + "/id/{{id}}"  # a page of this server, not a dead w3id.org link
    page = fetch(manifest["view"]["url"].replace("{{id}}", "org/cigit"), headers={"Accept": "text/html"})
    assert page.status == 200 and "Green and Intelligent Technology" in page.text
    assert manifest["preview"]["url"].endswith("/reconcile/preview?id={{id}}")
    assert manifest["extend"]["propose_properties"]["service_path"] == "/reconcile/propose_properties"


def test_jsonp_manifest(server):
    answer = fetch(server.base + "/reconcile?callback=jsonp123")
    assert answer.headers["Content-Type"].startswith("text/javascript")
    assert answer.text.startswith("jsonp123({") and answer.text.endswith("});")


def test_batch_reconciliation_in_english_and_chinese(server):
    results = post(server, queries={
        "q0": {"query": "Chongqing University", "type": "HigherEducationInstitution", "type_strict": "should"},
        "q1": {"query": "中国科学院重庆绿色智能技术研究院"},
        "q2": {"query": "Harbin Institute of Technology", "limit": 2},
        "q3": {"query": "Nowhere Institute of Nothing"},
    })
    best = results["q0"]["result"][0]
    assert (best["id"], best["match"], best["score"]) == ("org/chongqing-university", True, 100.0)
    assert {"id": "PublicUniversity", "name": "public university"} in best["type"]
    assert results["q0"]["result"][1]["match"] is False
    assert results["q1"]["result"][0]["id"] == "org/cigit" and results["q1"]["result"][0]["match"] is True
    assert results["q2"]["result"][0]["id"] == "org/hit" and len(results["q2"]["result"]) <= 2
    assert [r for r in results["q3"]["result"] if r["match"]] == []


def test_type_constraint_separates_a_district_from_institutions(server):
    results = post(server, queries={"q0": {"query": "Yongchuan", "type": "AdministrativeDivision"}})
    assert [r["id"] for r in results["q0"]["result"]][0] == "place/yongchuan-district"
    assert all(r["id"].startswith("place/") for r in results["q0"]["result"])


def test_property_constraint_raises_the_right_candidate(server):
    plain = post(server, queries={"q0": {"query": "Chongqing University of"}})["q0"]["result"]
    constrained = post(server, queries={"q0": {"query": "Chongqing University of",
                                               "properties": [{"pid": "district", "v": "Banan District"}]}})["q0"]["result"]
    assert constrained[0]["id"] == "org/chongqing-university-of-technology"
    assert constrained[0]["score"] > next(r["score"] for r in plain if r["id"] == constrained[0]["id"])


def test_data_extension(server):
    extended = post(server, extend={"ids": ["org/chongqing-university", "place/yuzhong-district", "org/cigit"],
                                    "properties": [{"id": "district"}, {"id": "divisionCode"}, {"id": "ror"},
                                                   {"id": "foundingYear"}]})
    assert [m["id"] for m in extended["meta"]] == ["district", "divisionCode", "ror", "foundingYear"]
    rows = extended["rows"]
    assert rows["org/chongqing-university"]["district"] == [{"id": "place/shapingba-district", "name": "Shapingba District"}]
    assert rows["org/chongqing-university"]["ror"] == [{"str": "https://ror.org/023rhb549"}]
    assert rows["place/yuzhong-district"]["divisionCode"] == [{"str": "500103"}]
    assert rows["org/cigit"]["foundingYear"] == [{"str": "2011"}]
    assert rows["org/cigit"]["district"] == []


def test_propose_properties(server):
    proposed = fetch(server.base + "/reconcile/propose_properties?type=Organisation").json()
    assert proposed["type"] == "Organisation"
    assert {"id": "district", "name": "district or county"} in proposed["properties"]


def test_suggest_entity_type_and_property(server):
    entities = fetch(server.base + "/reconcile/suggest/entity?prefix=chongqing%20univ").json()["result"]
    assert entities[0]["id"] == "org/chongqing-university"
    types = fetch(server.base + "/reconcile/suggest/type?prefix=univers").json()["result"]
    assert {"id": "UniversitySciencePark", "name": "university science park"} in types
    properties = fetch(server.base + "/reconcile/suggest/property?prefix=code").json()["result"]
    assert {p["id"] for p in properties} == {"divisionCode", "moeInstitutionCode"}


def test_preview(server):
    card = fetch(server.base + "/reconcile/preview?id=org/cigit")
    assert card.status == 200 and "中国科学院重庆绿色智能技术研究院" in card.text
    assert fetch(server.base + "/reconcile/preview?id=org/nothing").status == 404


def test_malformed_queries_are_400(server):
    answer = fetch(server.base + "/reconcile", data=b"queries=%7Bnot-json", headers=FORM)
    assert answer.status == 400 and "not valid JSON" in answer.json()["error"]["detail"]


def test_traditional_script_and_pinyin_reconcile(server):
    results = post(server, queries={
        "q0": {"query": "重慶大學"},
        "q1": {"query": "chongqing daxue"},
        "q2": {"query": "chóngqìng dàxué", "type": "HigherEducationInstitution"},
        "q3": {"query": "chongqingdaxue"},
    })
    assert (results["q0"]["result"][0]["id"], results["q0"]["result"][0]["match"]) == ("org/chongqing-university", True)
    for key in ("q1", "q2", "q3"):
        best = results[key]["result"][0]
        # Pinyin ranks the university first, but is never an automatic match: homophones share it.
        assert (best["id"], best["score"], best["match"]) == ("org/chongqing-university", 98.0, False)


def test_suggest_finds_traditional_script_and_pinyin(server):
    for prefix in ("重慶大", "重慶大學", "chongqing daxue", "chóngqìng dàx", "chongqingdaxue"):
        found = fetch(server.base + "/reconcile/suggest/entity?" + urllib.parse.urlencode({"prefix": prefix})).json()
        assert found["result"][0]["id"] == "org/chongqing-university", (prefix, found)
    southwest = fetch(server.base + "/reconcile/suggest/entity?prefix=xinan%20daxue").json()["result"][0]
    assert (southwest["id"], southwest["description"]) == ("org/southwest-university", "西南大学")
