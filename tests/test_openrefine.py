"""End to end with the real OpenRefine (Debian's package, headless): create a project from a CSV of names
in English and Chinese, reconcile the column against cqkg's /reconcile, read the matches back, then pull
districts into the sheet with data extension. Drives OpenRefine through its own HTTP API."""

from __future__ import annotations

import json
import shutil
import time
import urllib.parse
import uuid

import pytest

from conftest import fetch, free_port, running_process, unavailable

OPENREFINE = shutil.which("openrefine")
NAMES = ["Chongqing University", "重庆大学", "Harbin Institute of Technology", "西南大学", "Nowhere Institute of Nothing"]


@pytest.fixture(scope="module", autouse=True)
def openrefine_installed():
    """Skip this module's tests where the program is missing (fail them in CI)."""
    if OPENREFINE is None:
        unavailable("OpenRefine is not installed (apt-get install openrefine; .ci/run does)")


@pytest.fixture(scope="module")
def refine(tmp_path_factory):
    """OpenRefine on a free loopback port with an empty workspace; yields its base URL."""
    port = free_port()
    workspace = tmp_path_factory.mktemp("openrefine")
    base = f"http://127.0.0.1:{port}"
    command = [OPENREFINE, "-p", str(port), "-i", "127.0.0.1", "-d", str(workspace), "-x", "refine.headless=true", "run"]
    with running_process(command, lambda: fetch(base + "/command/core/get-csrf-token", timeout=2).status == 200,
                         workspace / "openrefine.log", timeout=120):
        yield base


def _token(refine: str) -> str:
    return fetch(refine + "/command/core/get-csrf-token").json()["token"]


def _create_project(refine: str, csv_text: str) -> str:
    boundary = uuid.uuid4().hex

    def part(name, value, filename=None, ctype=None):
        head = f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"'
        head += (f'; filename="{filename}"' if filename else "") + "\r\n" + (f"Content-Type: {ctype}\r\n" if ctype else "")
        return (head + "\r\n").encode() + value.encode("utf-8") + b"\r\n"

    options = {"separator": ",", "headerLines": 1, "ignoreLines": -1, "skipDataLines": 0, "limit": -1,
               "storeBlankRows": True, "guessCellValueTypes": False, "processQuotes": True,
               "storeBlankCellsAsNulls": True, "includeFileSources": False, "encoding": "UTF-8"}
    body = (part("project-file", csv_text, "names.csv", "text/csv") + part("project-name", "cqkg")
            + part("format", "text/line-based/*sv") + part("options", json.dumps(options)) + f"--{boundary}--\r\n".encode())
    import urllib.request
    request = urllib.request.Request(f"{refine}/command/core/create-project-from-upload?csrf_token={_token(refine)}",
                                     data=body, headers={"Content-Type": f"multipart/form-data; boundary={boundary}"})
    with urllib.request.urlopen(request, timeout=60) as response:
        return urllib.parse.parse_qs(urllib.parse.urlparse(response.geturl()).query)["project"][0]


def _apply(refine: str, project: str, operations: list) -> None:
    answer = fetch(f"{refine}/command/core/apply-operations?project={project}&csrf_token={_token(refine)}",
                   data=urllib.parse.urlencode({"operations": json.dumps(operations)}).encode(),
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert answer.status == 200, answer.text
    deadline = time.monotonic() + 60
    while fetch(f"{refine}/command/core/get-processes?project={project}").json()["processes"]:
        assert time.monotonic() < deadline, "OpenRefine did not finish the operation"
        time.sleep(0.3)


def _rows(refine: str, project: str) -> dict:
    return fetch(f"{refine}/command/core/get-rows?project={project}&start=0&limit=50").json()


@pytest.fixture(scope="module")
def reconciled(refine, server):
    project = _create_project(refine, "name\n" + "\n".join(NAMES) + "\n")
    config = {"mode": "standard-service", "service": server.base + "/reconcile",
              "identifierSpace": "https://w3id.org/cqkg/id/", "schemaSpace": "https://w3id.org/cqkg/def/",
              "type": {"id": "Organisation", "name": "organisation"}, "autoMatch": True, "columnDetails": [], "limit": 0}
    _apply(refine, project, [{"op": "core/recon", "engineConfig": {"facets": [], "mode": "row-based"},
                              "columnName": "name", "config": config, "description": "reconcile names against cqkg"}])
    return project


def test_openrefine_reconciles_names_in_english_and_chinese(refine, reconciled):
    data = _rows(refine, reconciled)
    recons = data["pool"]["recons"]
    matches = {}
    for row in data["rows"]:
        cell = row["cells"][0]
        recon = recons[str(cell["r"])]
        matches[cell["v"]] = (recon["j"], (recon.get("m") or {}).get("id"))
    assert matches == {
        "Chongqing University": ("matched", "org/chongqing-university"),
        "重庆大学": ("matched", "org/chongqing-university"),
        "Harbin Institute of Technology": ("matched", "org/hit"),
        "西南大学": ("matched", "org/southwest-university"),
        "Nowhere Institute of Nothing": ("none", None),
    }


def test_openrefine_pulls_districts_with_data_extension(refine, reconciled, server):
    _apply(refine, reconciled, [{
        "op": "core/extend-reconciled-data", "engineConfig": {"facets": [], "mode": "row-based"},
        "baseColumnName": "name", "endpoint": server.base + "/reconcile", "identifierSpace": "https://w3id.org/cqkg/id/",
        "schemaSpace": "https://w3id.org/cqkg/def/",
        "extension": {"properties": [{"id": "district", "name": "district or county"}]},
        "columnInsertIndex": 1, "description": "add districts from cqkg"}])
    data = _rows(refine, reconciled)
    by_name = {row["cells"][0]["v"]: row["cells"][1] if len(row["cells"]) > 1 else None for row in data["rows"]}
    recons = data["pool"]["recons"]
    district = by_name["重庆大学"]
    assert district is not None and district["v"] == "Shapingba District"
    assert (recons[str(district["r"])].get("m") or {}).get("id") == "place/shapingba-district"
    assert by_name["Harbin Institute of Technology"] in (None, {"v": None})
