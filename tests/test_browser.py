"""The web pages in a real browser: Debian's Chromium, headless, driven by Selenium through Debian's
chromedriver (never a downloaded browser or driver), against the live server.

The query editor (example questions, Run and Ctrl+Enter, shared links, labelled sortable table,
chart, CSV download, syntax errors) and search in English, Chinese (simplified and traditional)
and pinyin. Skipped with the reason when Chromium, chromedriver or the editor's bundle is missing;
failed instead when CI=true. With CQKG_SCREENSHOTS=DIR the tests also save the README's
screenshots there.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import urllib.parse
from pathlib import Path

import pytest

from conftest import ROOT, fetch, unavailable

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver") or ("/usr/bin/chromedriver" if Path("/usr/bin/chromedriver").exists() else None)
BUNDLE = ROOT / "cqkg" / "web" / "static" / "dist" / "editor.js"
WAIT_SECONDS = 30
PAGE_ROWS = 50  # rows on one page of the results table (cqkg/web/static/src/table.js)
CIGIT_LABELS = 'SELECT ?label WHERE { cqorg:cigit rdfs:label ?label } ORDER BY ?label'


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    """A headless Chromium session (1280×900) through chromedriver."""
    if CHROMIUM is None or CHROMEDRIVER is None:
        unavailable("Chromium or chromedriver is not installed (apt-get install chromium chromium-driver; .ci/run does)")
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--window-size=1280,900",
                     "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync",
                     "--lang=en-US", f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(argument)
    # The driver's path is given, so Selenium Manager never runs (nothing is downloaded).
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.fixture()
def editor_page(browser):
    """The browser, once the editor's bundle is known to be built."""
    if not BUNDLE.is_file():
        unavailable("the query editor's bundle is not built (make editor: npm and esbuild)")
    return browser


def wait(driver, condition, message: str):
    from selenium.webdriver.support.ui import WebDriverWait
    return WebDriverWait(driver, WAIT_SECONDS).until(condition, message)


def by_css(driver, selector: str):
    from selenium.webdriver.common.by import By
    return driver.find_elements(By.CSS_SELECTOR, selector)


def rows_shown(driver) -> int:
    """The row count the page reports once a query has run (its status line's data-rows)."""
    wait(driver, lambda d: by_css(d, "#status[data-rows]") or by_css(d, "#status.error"), "the query did not finish")
    status = by_css(driver, "#status")[0]
    assert status.get_attribute("class") != "error", status.text
    count = int(status.get_attribute("data-rows"))
    # The table is drawn just after the status is set: wait for its first page.
    wait(driver, lambda d: len(by_css(d, "#results tbody tr")) == min(count, PAGE_ROWS), "the table was not drawn")
    return count


def table(driver) -> tuple[list[str], list[list[str]]]:
    """(column names, cell texts of the rows shown) of the results table."""
    heads = [th.text.strip() for th in by_css(driver, "#results thead th")]
    rows = [[td.text for td in tr.find_elements("css selector", "td")] for tr in by_css(driver, "#results tbody tr")]
    return heads, rows


def screenshot(driver, name: str) -> None:
    """With CQKG_SCREENSHOTS=DIR, save the whole page (up to 1200 px high) as DIR/name."""
    folder = os.environ.get("CQKG_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        height = driver.execute_script("return document.documentElement.scrollHeight")
        driver.set_window_size(1280, min(int(height) + 140, 1200))
        driver.save_screenshot(str(Path(folder) / name))
        driver.set_window_size(1280, 900)


def sparql_rows(server, query: str) -> list[dict]:
    answer = fetch(server.sparql + "?" + urllib.parse.urlencode({"query": query}),
                   headers={"Accept": "application/sparql-results+json"})
    return answer.json()["results"]["bindings"]


def test_an_example_question_runs_and_fills_the_labelled_table(server, editor_page):
    from selenium.webdriver.support.ui import Select

    driver = editor_page
    driver.get(server.base + "/")
    Select(by_css(driver, "#example")[0]).select_by_visible_text("Organisations per district")
    assert "district" in by_css(driver, "#example-description")[0].text
    assert "SELECT ?district" in by_css(driver, ".cm-content")[0].text
    by_css(driver, "#run")[0].click()
    expected = sparql_rows(server, (ROOT / "queries" / "organisations-per-district.rq").read_text(encoding="utf-8"))
    assert rows_shown(driver) == len(expected)
    heads, rows = table(driver)
    assert heads == ["district", "name", "organisations"]
    first = expected[0]
    # The district's IRI is shown by its labels (en, zh), shortened, and linked to its local page.
    assert rows[0][1] == first["name"]["value"] + " @en" and rows[0][2] == first["organisations"]["value"]
    assert rows[0][0].startswith("Shapingba District") and "沙坪坝区" in rows[0][0] and "cqplace:shapingba-district" in rows[0][0]
    link = by_css(driver, "#results tbody tr td a")[0]
    assert link.get_attribute("href") == server.base + "/id/place/shapingba-district"
    assert "row" in by_css(driver, "#status")[0].text and " ms" in by_css(driver, "#status")[0].text
    assert urllib.parse.parse_qs(urllib.parse.urlparse(driver.current_url).query)["query"][0].startswith("# title: Organisations")
    screenshot(driver, "query-table.png")

    by_css(driver, "#view-chart")[0].click()
    chart = wait(driver, lambda d: by_css(d, "#chart[data-bars] canvas") and by_css(d, "#chart")[0], "no chart drawn")
    assert chart.get_attribute("data-bars") == str(len(expected))
    assert (chart.get_attribute("data-label-column"), chart.get_attribute("data-value-column")) == ("district", "organisations")
    screenshot(driver, "query-chart.png")


def type_query(driver, text: str) -> None:
    from selenium.webdriver.common.keys import Keys

    content = by_css(driver, ".cm-content")[0]
    content.click()
    content.send_keys(Keys.CONTROL, "a")
    content.send_keys(Keys.DELETE)
    content.send_keys(text)


def test_ctrl_enter_runs_the_query_and_keeps_it_in_the_address_bar(server, editor_page):
    from selenium.webdriver.common.keys import Keys

    driver = editor_page
    driver.get(server.base + "/")
    # Typed with no closing brace: the editor closes brackets itself.
    type_query(driver, "SELECT ?label WHERE { cqorg:cigit rdfs:label ?label ")
    by_css(driver, ".cm-content")[0].send_keys(Keys.CONTROL, Keys.ENTER)
    assert rows_shown(driver) == 2
    _heads, rows = table(driver)
    assert sorted(r[0] for r in rows) == ["Chongqing Institute of Green and Intelligent Technology, Chinese Academy of Sciences @en",
                                          "中国科学院重庆绿色智能技术研究院 @zh"]
    shared = urllib.parse.parse_qs(urllib.parse.urlparse(driver.current_url).query)["query"][0]
    assert shared.startswith("SELECT ?label WHERE { cqorg:cigit rdfs:label ?label") and shared.rstrip().endswith("}")


def test_a_shared_link_opens_and_runs_its_query(server, editor_page):
    driver = editor_page
    query = "SELECT ?org WHERE { ?org cq:hostedBy cqorg:chongqing-university } ORDER BY ?org LIMIT 3"
    driver.get(server.base + "/?" + urllib.parse.urlencode({"query": query}))
    assert rows_shown(driver) == len(sparql_rows(server, query)) > 0
    assert by_css(driver, ".cm-content")[0].text == query
    hrefs = [a.get_attribute("href") for a in by_css(driver, "#results tbody td a")]
    assert all(h.startswith(server.base + "/id/org/") for h in hrefs), hrefs


def test_a_syntax_error_is_shown_with_its_position(server, editor_page):
    driver = editor_page
    driver.get(server.base + "/?" + urllib.parse.urlencode({"query": "SELECT ?x WHERE {\n  ?x ?y\n}"}))
    status = wait(driver, lambda d: by_css(d, "#status.error") and by_css(d, "#status")[0], "no error shown")
    assert status.text.startswith("Error 400 — The query is not valid: malformed query")
    assert "error at 3:2" in status.text and status.text.endswith("At line 3, column 2")  # the parser's position
    marked = by_css(driver, ".cm-lintRange-error")
    assert [m.text for m in marked] == ["}"], "the error's position is not marked in the editor"


def test_the_table_sorts_by_a_column_and_pages(server, editor_page):
    driver = editor_page
    query = "SELECT ?thing ?label WHERE { ?thing rdfs:label ?label FILTER(LANG(?label) = 'en') } ORDER BY ?thing LIMIT 120"
    driver.get(server.base + "/?" + urllib.parse.urlencode({"query": query}))
    assert rows_shown(driver) == 120
    _heads, rows = table(driver)
    assert len(rows) == PAGE_ROWS
    by_css(driver, "#results thead th")[1].click()  # sort by label
    labels = [row[1].removesuffix(" @en") for row in table(driver)[1]]
    assert labels == sorted(labels, key=str.casefold) or labels == sorted(labels)
    next_page = [b for b in by_css(driver, "#results .gridjs-pages button") if b.text.strip() == "Next"][0]
    next_page.click()
    assert table(driver)[1][0][1].removesuffix(" @en") != labels[0]


def test_csv_download_holds_the_answer(server, editor_page, tmp_path):
    driver = editor_page
    driver.execute_cdp_cmd("Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(tmp_path)})
    driver.get(server.base + "/?" + urllib.parse.urlencode({"query": CIGIT_LABELS}))
    assert rows_shown(driver) == 2
    by_css(driver, '#downloads button[data-format="csv"]')[0].click()
    target = tmp_path / "cqkg-results.csv"
    wait(driver, lambda d: target.is_file() and target.stat().st_size > 0, "the CSV was not downloaded")
    rows = list(csv.reader(io.StringIO(target.read_text(encoding="utf-8"))))
    assert rows[0] == ["label"]
    assert sorted(r[0] for r in rows[1:]) == ["Chongqing Institute of Green and Intelligent Technology, Chinese Academy of Sciences",
                                             "中国科学院重庆绿色智能技术研究院"]


@pytest.mark.parametrize("text", ["Chongqing University", "重庆大学", "重慶大學", "chongqing daxue"])
def test_search_from_the_header_finds_and_opens_chongqing_university(server, browser, text):
    from selenium.webdriver.common.keys import Keys

    driver = browser
    driver.get(server.base + "/search")
    box = by_css(driver, "header.site input[type=search]")[0]
    box.send_keys(text, Keys.ENTER)
    first = wait(driver, lambda d: by_css(d, "#hits li") and by_css(d, "#hits li")[0], "no search results")
    assert first.find_element("css selector", "a.label").text == "Chongqing University"
    assert first.find_element("css selector", ".zh").text == "重庆大学"
    assert first.find_element("css selector", ".type").text == "public university"
    if text == "重慶大學":
        screenshot(driver, "search.png")
    first.find_element("css selector", "a.label").click()
    wait(driver, lambda d: d.current_url == server.base + "/id/org/chongqing-university", "the hit did not open its page")
    page = fetch(server.base + "/id/org/chongqing-university", headers={"Accept": "text/html"})
    if page.status != 404:  # entity pages come with dereferencing; until then the link is checked, not its page
        assert page.status == 200
        assert "Chongqing University" in by_css(driver, "h1")[0].text


def test_completion_offers_prefixes_and_ontology_terms(server, editor_page):
    driver = editor_page
    driver.get(server.base + "/")
    type_query(driver, "SELECT * WHERE { ?x a cq:PublicUn")
    options = wait(driver, lambda d: [o.text for o in by_css(d, ".cm-tooltip-autocomplete li")], "no completion shown")
    assert any(o.startswith("cq:PublicUniversity") for o in options), options
    type_query(driver, "SELECT * WHERE { ?x cq:locatedIn cqpl")
    options = wait(driver, lambda d: [o.text for o in by_css(d, ".cm-tooltip-autocomplete li")], "no completion shown")
    assert any(o.startswith("cqplace:") for o in options), options


def test_a_construct_answer_is_shown_as_turtle_with_a_turtle_download(server, editor_page):
    driver = editor_page
    query = "CONSTRUCT { cqorg:cigit rdfs:label ?label } WHERE { cqorg:cigit rdfs:label ?label }"
    driver.get(server.base + "/?" + urllib.parse.urlencode({"query": query}))
    graph = wait(driver, lambda d: by_css(d, "#results pre.graph") and by_css(d, "#results pre.graph")[0], "no graph shown")
    assert "中国科学院重庆绿色智能技术研究院" in graph.text and "@zh" in graph.text
    visible = [b.get_attribute("data-format") for b in by_css(driver, "#downloads button") if b.is_displayed()]
    assert visible == ["turtle"]


def test_a_result_link_opens_the_entity_page_with_its_sentence(server, editor_page):
    driver = editor_page
    query = "SELECT ?org WHERE { VALUES ?org { cqorg:cigit } }"
    driver.get(server.base + "/?" + urllib.parse.urlencode({"query": query}))
    link = wait(driver, lambda d: by_css(d, "#results tbody tr td a") and by_css(d, "#results tbody tr td a")[0],
                "no result link")
    link.click()
    wait(driver, lambda d: d.current_url == server.base + "/id/org/cigit", "the result link did not open the entity page")
    assert "Chongqing Institute of Green and Intelligent Technology" in by_css(driver, "h1")[0].text
    sentence = by_css(driver, "#sentences blockquote.sentence")[0]
    assert "Chongqing Institution of Green and Intelligent Technology of CAS" in sentence.text
    assert by_css(driver, "#sentences a")[0].get_attribute("href") == server.base + "/id/source/outline-2018-s14"
    assert by_css(driver, ".zh[lang=zh]") and by_css(driver, ".badge.inferred")
    screenshot(driver, "entity.png")


def test_the_about_page_shows_what_the_graph_holds(server, browser):
    driver = browser
    driver.get(server.base + "/about")
    assert "cqkg" in by_css(driver, "h1")[0].text
    text = driver.find_element("css selector", "main").text
    assert "CC BY 4.0" in text or "creativecommons.org" in driver.page_source
    assert by_css(driver, "a[href='/validation']")
    screenshot(driver, "about.png")
