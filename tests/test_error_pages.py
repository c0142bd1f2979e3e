"""Errors: the JSON error body for programs, a page with the same status and detail for browsers."""

import pytest

BROWSER = {"Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}


@pytest.mark.parametrize("url, status, detail", [
    ("/classes/cq:Nothing", 404, "cq:Nothing is not a class of the graph"),
    ("/nowhere", 404, "was not found on the server"),
    ("/search?q=" + "x" * 5000, 400, "too long"),
])
def test_a_browser_gets_an_error_page(client, url, status, detail):
    page = client.get(url, headers=BROWSER)
    assert page.status_code == status and page.mimetype == "text/html"
    text = page.get_data(as_text=True)
    assert detail in text and f"HTTP {status}" in text and 'action="/search"' in text  # the search box
    assert "Accept" in page.headers["Vary"]


@pytest.mark.parametrize("accept", [None, "*/*", "application/json", "application/json, text/html;q=0.5"])
def test_a_program_gets_the_json_error_body(client, accept):
    answer = client.get("/classes/cq:Nothing", headers={"Accept": accept} if accept else {})
    assert answer.status_code == 404 and answer.mimetype == "application/json"
    assert answer.json == {"error": {"status": 404, "title": "Not Found", "detail": "cq:Nothing is not a class of the graph"}}


def test_sparql_errors_stay_json_for_browsers(client):
    """A SPARQL client's error is the protocol's JSON body, whatever the browser's Accept says."""
    answer = client.get("/sparql", query_string={"query": "SELEC"}, headers=BROWSER)
    assert answer.status_code == 400 and answer.mimetype == "application/json"
