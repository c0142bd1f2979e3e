"""What the query page needs besides /sparql: the editor's vocabulary, labels, its bundle, and the plain fallback."""

from __future__ import annotations

import json

from cqkg.namespaces import ID, PREFIXES

CIGIT = ID + "org/cigit"


def test_terms_lists_prefixes_and_the_ontology_classes_and_properties(client):
    body = client.get("/editor/terms").json
    assert body["prefixes"] == PREFIXES
    terms = {t["name"]: t for t in body["terms"]}
    assert terms["cq:PublicUniversity"]["kind"] == "class" and terms["cq:PublicUniversity"]["label"] == "public university"
    assert terms["cq:locatedIn"]["kind"] == "property"
    assert all(":" in name for name in terms)


def test_labels_by_get_and_post(client):
    by_get = client.get("/labels?iri=" + CIGIT + "&iri=http://example.org/none").json["labels"]
    assert list(by_get) == [CIGIT]
    assert by_get[CIGIT] == {"en": "Chongqing Institute of Green and Intelligent Technology, Chinese Academy of Sciences",
                             "zh": "中国科学院重庆绿色智能技术研究院", "url": "/id/org/cigit"}
    by_post = client.post("/labels", data=json.dumps([CIGIT, ID + "place/yuzhong-district"]),
                          content_type="application/json").json["labels"]
    assert by_post[ID + "place/yuzhong-district"]["zh"] == "渝中区"


def test_labels_refuses_bad_or_too_many_iris(client):
    assert client.post("/labels", data="{not json", content_type="application/json").status_code == 400
    assert client.post("/labels", data=json.dumps({"iri": CIGIT}), content_type="application/json").status_code == 400
    too_many = client.post("/labels", data=json.dumps([CIGIT] * 1001), content_type="application/json")
    assert too_many.status_code == 400 and "at most 1000" in too_many.json["error"]["detail"]


def test_query_page_loads_the_bundle_when_built_and_the_plain_editor_otherwise(client, tmp_path, monkeypatch):
    from cqkg.web import editor

    (tmp_path / "editor.js").write_text("export {};", encoding="utf-8")
    (tmp_path / "editor.css").write_text("", encoding="utf-8")
    monkeypatch.setattr(editor, "BUNDLE_DIR", tmp_path)
    rich = client.get("/").get_data(as_text=True)
    assert '<script type="module" src="/static/editor/editor.js?v=' in rich and "The plain editor" not in rich
    script = client.get("/static/editor/editor.js")
    assert script.get_data(as_text=True) == "export {};" and script.mimetype in ("text/javascript", "application/javascript")
    assert client.get("/static/editor/../ui.py").status_code == 404
    assert client.get("/static/editor/missing.js").status_code == 404
    (tmp_path / "editor.js").write_text("export const big = " + repr("x" * 5000) + ";", encoding="utf-8")
    assert client.get("/static/editor/editor.js", headers={"Accept-Encoding": "gzip"}).headers["Content-Encoding"] == "gzip"

    monkeypatch.setattr(editor, "BUNDLE_DIR", tmp_path / "absent")
    plain = client.get("/").get_data(as_text=True)
    assert "/static/editor/editor.js" not in plain and "The plain editor" in plain
    assert '<textarea id="query" name="query"' in plain and "make serve" in plain
