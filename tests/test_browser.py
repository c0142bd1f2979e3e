"""The query page in a real browser (headless Chromium, Debian's package): its script runs a query
against the live endpoint and renders the answer as a table."""

from __future__ import annotations

import shutil
import subprocess
import urllib.parse

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
pytestmark = pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed (apt-get install chromium; .ci/run does)")


def rendered(url: str, tmp_path) -> str:
    """The DOM of ``url`` after its scripts ran, as headless Chromium sees it."""
    result = subprocess.run(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", "--virtual-time-budget=10000", "--dump-dom", url],
        capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_query_page_runs_a_query_and_renders_the_table(server, tmp_path):
    query = 'SELECT ?label WHERE { cqorg:cigit rdfs:label ?label } ORDER BY ?label'
    dom = rendered(server.base + "/?" + urllib.parse.urlencode({"query": query}), tmp_path)
    assert 'data-rows="2"' in dom, dom[-3000:]
    assert "<th>label</th>" in dom
    assert "<td>中国科学院重庆绿色智能技术研究院<span class=\"lang\"> @zh</span></td>" in dom


def test_query_page_shows_the_parser_error(server, tmp_path):
    dom = rendered(server.base + "/?" + urllib.parse.urlencode({"query": "SELECT ?x WHERE { ?x }"}), tmp_path)
    assert 'class="error"' in dom and "Error 400: malformed query" in dom
