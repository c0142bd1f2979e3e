"""Debian's Virtuoso (package virtuoso-opensource) for tests, and the ways its answers differ from cqkg's.

``virtuoso_server`` starts ``virtuoso-t`` in a temporary folder on free loopback
ports and stops its whole process group afterwards (conftest's ``running_process``). ``comparable_rows`` puts a
SPARQL JSON answer, Virtuoso's or cqkg's, into a form where the Virtuoso
deviations listed in docs/loading.md compare equal, and nothing else does.
"""

from __future__ import annotations

import json
import shutil
import socket
import struct
import subprocess
import urllib.parse
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from conftest import fetch, free_port, normalized_rows, running_process, unavailable
from cqkg.namespaces import PREFIXES

VIRTUOSO, ISQL = shutil.which("virtuoso-t"), shutil.which("isql-vt")
# Virtuoso's own literal type for the geometries it turns geo:wktLiteral values into.
VIRTUOSO_GEOMETRY = "http://www.openlinksw.com/schemas/virtrdf#Geometry"
XSD, WKT = PREFIXES["xsd"], PREFIXES["geo"] + "wktLiteral"

# Small buffers: the dataset is tiny and the test machine is shared.
INI = """\
[Database]
DatabaseFile = {folder}/virtuoso.db
ErrorLogFile = {folder}/virtuoso.log
LockFile = {folder}/virtuoso.lck
TransactionFile = {folder}/virtuoso.trx
xa_persistent_file = {folder}/virtuoso.pxa
[TempDatabase]
DatabaseFile = {folder}/virtuoso-temp.db
TransactionFile = {folder}/virtuoso-temp.trx
[Parameters]
ServerPort = 127.0.0.1:{sql_port}
DisableUnixSocket = 1
DirsAllowed = {dirs}
NumberOfBuffers = 2000
MaxDirtyBuffers = 1200
ThreadsPerQuery = 1
[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerThreads = 4
[SPARQL]
ResultSetMaxRows = 100000
MaxQueryExecutionTime = 60
"""


def require_virtuoso() -> None:
    """Skip the calling test when Virtuoso is not installed; fail instead on CI (CI=true)."""
    if VIRTUOSO and ISQL:
        return
    unavailable("Virtuoso is not installed (Debian package virtuoso-opensource; `make test` as root installs it)")


@dataclass(frozen=True)
class Virtuoso:
    """A running Virtuoso: its folder, ports and the URLs of its SPARQL and Graph Store endpoints."""

    folder: Path
    sql_port: int
    http_port: int

    @property
    def sparql(self) -> str:
        """The SPARQL 1.1 Protocol endpoint (read-only for anonymous users)."""
        return f"http://127.0.0.1:{self.http_port}/sparql"

    @property
    def graph_store(self) -> str:
        """The Graph Store Protocol endpoint that needs digest authentication, with a new database's dba credentials."""
        return f"http://dba:dba@127.0.0.1:{self.http_port}/sparql-graph-crud-auth"

    def isql(self, *statements: str) -> str:
        """Run SQL statements with ``isql-vt`` as dba; return its output, raise AssertionError on any error."""
        result = subprocess.run([ISQL, f"127.0.0.1:{self.sql_port}", "dba", "dba", "exec=" + " ".join(statements)],
                                capture_output=True, text=True, timeout=120)
        # isql-vt exits 0 after a failed statement: its errors go to stderr only.
        assert result.returncode == 0 and not result.stderr.strip(), result.stderr or result.stdout
        return result.stdout

    def select(self, query: str, default_graphs=(), named_graphs=()) -> bytes:
        """POST ``query`` with the protocol's graph parameters; return the SPARQL JSON body."""
        params = [("query", query)] + [("default-graph-uri", g) for g in default_graphs]
        params += [("named-graph-uri", g) for g in named_graphs]
        answer = fetch(self.sparql, data=urllib.parse.urlencode(params).encode(), timeout=60,
                       headers={"Content-Type": "application/x-www-form-urlencoded",
                                "Accept": "application/sparql-results+json"})
        assert answer.status == 200, answer.text[:1000]
        return answer.body


@contextmanager
def virtuoso_server(folder: Path, dirs_allowed=(), timeout: float = 60):
    """Start Virtuoso with a fresh database in ``folder``; yield a Virtuoso once it answers; stop its process group."""
    require_virtuoso()
    server = Virtuoso(folder, free_port(), free_port())
    dirs = ", ".join(str(d) for d in (folder, *dirs_allowed))
    ini = folder / "virtuoso.ini"
    ini.write_text(INI.format(folder=folder, sql_port=server.sql_port, http_port=server.http_port, dirs=dirs))
    # In the foreground, virtuoso-t is the server itself (no daemon left behind when the group is stopped).
    with running_process([VIRTUOSO, "+foreground", "+configfile", str(ini)],
                         lambda: _answers(server) and _listens(server.sql_port), folder / "virtuoso.out", timeout):
        yield server


def _answers(server: Virtuoso) -> bool:
    return fetch(server.sparql + "?query=" + urllib.parse.quote("ASK {}"), timeout=2).status == 200


def _listens(port: int) -> bool:
    socket.create_connection(("127.0.0.1", port), timeout=1).close()
    return True


# --- Comparing answers -------------------------------------------------------------------------------------

def comparable_rows(body: bytes, query_name: str | None = None) -> list[str]:
    """The rows of a SPARQL JSON ``body`` as normalized_rows gives them, with Virtuoso's deviations undone.

    Applied to both answers: terms of a deviating kind take one canonical form on both sides.
    """
    data = json.loads(body)
    fixes = EXPRESSION_DEVIATIONS.get(query_name, {})
    for binding in data["results"]["bindings"]:
        for name, term in binding.items():
            if term["type"] == "typed-literal":  # the SPARQL 1.0 JSON form Virtuoso still writes
                term["type"] = "literal"
            fix = fixes.get(name) or STORED_DEVIATIONS.get(term.get("datatype"))
            if fix:
                binding[name] = fix(term)
    return normalized_rows(json.dumps(data).encode())


def _single(value: str) -> str:
    """A number as Virtuoso keeps a geometry's coordinate: in single precision."""
    return repr(struct.unpack("f", struct.pack("f", float(Decimal(value))))[0])


def _truth(term: dict) -> dict:
    """xsd:boolean by value; Virtuoso writes stored booleans as 1/0 and gives EXISTS as an xsd:integer."""
    value = {"1": "true", "0": "false"}.get(term["value"], term["value"])
    return {"type": "literal", "datatype": XSD + "boolean", "value": value}


def _point(term: dict) -> dict:
    """A WKT point as Virtuoso keeps it: its own geometry type, coordinates in single precision."""
    coordinates = term["value"].removeprefix("POINT(").removesuffix(")").split()
    return {"type": "literal", "datatype": WKT, "value": " ".join(_single(c) for c in coordinates)}


def _coordinate(term: dict) -> dict:
    """A coordinate read out of a WKT point, hence single precision on Virtuoso."""
    return {**term, "value": _single(term["value"])}


def _months(term: dict) -> dict:
    """An xsd:duration of years and months, which Virtuoso writes as its number of months ("P1Y" as "12")."""
    value = term["value"]
    if value.startswith("P"):
        years, _, months = value[1:].rpartition("Y")
        value = str(int(years or 0) * 12 + int(months.removesuffix("M") or 0))
    return {**term, "value": value}


#: Literals Virtuoso does not keep as loaded (docs/loading.md), by datatype.
STORED_DEVIATIONS = {XSD + "boolean": _truth, WKT: _point, VIRTUOSO_GEOMETRY: _point, XSD + "duration": _months}
#: Columns computed by an expression Virtuoso evaluates differently, by query file.
EXPRESSION_DEVIATIONS = {
    "universities-by-founding-decade.rq": {"inChongqing": _truth},
    "organisations-with-coordinates.rq": {"lon": _coordinate, "lat": _coordinate},
}
