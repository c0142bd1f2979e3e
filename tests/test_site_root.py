"""Pages served below a root (a reverse proxy's prefix, SCRIPT_NAME) link below it, and pages at / do not."""

from __future__ import annotations

import re

HTML = {"Accept": "text/html"}


def links(client, path: str, root: str) -> list[str]:
    """The server paths a page links to, served below ``root``."""
    page = client.get(path, base_url="http://localhost" + root, headers=HTML).get_data(as_text=True)
    return re.findall(r'href="(/[^"]*)"', page)


def test_pages_under_another_root_link_below_it(client):
    """Whatever root the first request had: Jinja must not keep the links its templates make from constants."""
    for _ in range(2):
        for path in ("/id/org/cigit", "/graph/curated", "/classes/cq:District"):
            under, at_root = links(client, path, "/kg/"), links(client, path, "/")
            assert {"/kg/about", "/kg/classes/", "/kg/def/"} <= set(under), path
            assert all(link.startswith("/kg/") for link in under), path
            assert {"/about", "/classes/", "/def/"} <= set(at_root), path
            assert not [link for link in at_root if link.startswith("/kg/")], path
            assert len(under) == len(at_root), path
    assert "/kg/id/org/cas" in links(client, "/id/org/cigit", "/kg/")


def test_the_search_box_searches_below_the_root(client):
    page = client.get("/id/org/cigit", base_url="http://localhost/kg/", headers=HTML).get_data(as_text=True)
    assert 'action="/kg/search"' in page
    page = client.get("/id/org/cigit", headers=HTML).get_data(as_text=True)
    assert 'action="/search"' in page
