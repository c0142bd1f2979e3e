"""R users: the SPARQL package (Debian's r-cran-sparql) queries the live endpoint, and read.csv reads the
CSV tables without options."""

from __future__ import annotations

import os
import shutil
import subprocess

import pytest

from conftest import unavailable
from cqkg.release.folder import release

RSCRIPT = shutil.which("Rscript")


@pytest.fixture(scope="module", autouse=True)
def r_installed():
    """Skip this module's tests where the program is missing (fail them in CI)."""
    if RSCRIPT is None:
        unavailable("R is not installed (apt-get install r-cran-sparql; .ci/run does)")


def r(code: str) -> str:
    result = subprocess.run([RSCRIPT, "-e", code], capture_output=True, text=True, timeout=120,
                            env=dict(os.environ, LANG="C.UTF-8", LC_ALL="C.UTF-8"))
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


def test_r_sparql_package_queries_the_endpoint(server):
    out = r(f"""
        suppressMessages(library(SPARQL))
        q <- 'SELECT ?code ?name WHERE {{ ?d <https://w3id.org/cqkg/def/divisionCode> ?code ;
               <http://www.w3.org/2000/01/rdf-schema#label> ?name . FILTER(LANG(?name) = "zh") }} ORDER BY ?code LIMIT 3'
        res <- SPARQL("{server.sparql}", q)$results
        cat(nrow(res), res$code[1], res$name[2], sep = "|")
    """)
    assert out.split("|")[:2] == ["3", "500000"]
    assert "万州区" in out


def test_r_reads_the_csv_tables_without_options(build_dir, tmp_path):
    release(build_dir, tmp_path, extensions=("nt",), compress=False)
    out = r(f"""
        d <- read.csv("{tmp_path / 'csv' / 'organisations.csv'}")
        o <- read.csv("{tmp_path / 'csv' / 'observations.csv'}")
        cat(nrow(o), d[d$iri == "https://w3id.org/cqkg/id/org/cigit", "label_zh"],
            o[grepl("patent-licensing$", o$indicator), "value"], sep = "|")
    """)
    assert out == "19|中国科学院重庆绿色智能技术研究院|34800"
