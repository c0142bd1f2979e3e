"""Incremental builds: an edit re-parses only what changed and gives the bytes of a clean build; a killed build
leaves the previous one intact and usable, and the next build finishes; progress is shown step by step."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys

import pytest

from bench.scale.generate import generate
from cqkg.build import folder as buildfolder
from cqkg.build.manifest import DATASET, MANIFEST, STORE, read_manifest
from cqkg.build.pipeline import build, is_current
from cqkg.build.progress import KILL_AT, Progress
from cqkg.store import KnowledgeGraph

EXTRA = """@prefix cq: <https://w3id.org/cqkg/def/> .
@prefix cqorg: <https://w3id.org/cqkg/id/org/> .
@prefix cqplace: <https://w3id.org/cqkg/id/place/> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .

<https://w3id.org/cqkg/graph/curated> {
cqorg:incremental-test-institute
    a cq:UniversityInstitute ;
    rdfs:label "Incremental Test Institute"@en , "增量测试研究院"@zh ;
    cq:locatedIn cqplace:yuzhong-district ;
    cq:curated true ;
    dcterms:source <https://example.org/incremental-test> .
}
"""


def _copy_inputs(source, target):
    for folder in ("ontology", "data", "sources"):
        shutil.copytree(source / folder, target / folder)
    return target


def _clean_build(project, folder):
    """``cqkg build --force`` into a fresh build folder, as a user would run it."""
    result = subprocess.run([sys.executable, "-m", "cqkg.cli", "--root", str(project), "--build-dir", str(folder),
                             "build", "--force"], capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, result.stderr
    return result


def test_edit_add_delete_rebuild_what_changed_with_the_bytes_of_a_clean_build(root, tmp_path):
    project = _copy_inputs(root, tmp_path / "project")
    incremental = tmp_path / "incremental"
    assert read_manifest(incremental) == {} and not build(project, incremental).cached

    parks = project / "data" / "parks.trig"  # an edit: one more name for a district, in the curated graph
    parks.write_text(parks.read_text(encoding="utf-8").rstrip() + "\n<https://w3id.org/cqkg/graph/curated> {\n"
                     "<https://w3id.org/cqkg/id/place/yuzhong-district> "
                     "<http://www.w3.org/2004/02/skos/core#altLabel> \"Yuzhong (incremental test)\"@en .\n}\n",
                     encoding="utf-8")
    edited = build(project, incremental)
    assert not edited.cached and edited.manifest["parsed_files"] == 1
    _clean_build(project, tmp_path / "clean-edit")
    assert (incremental / DATASET).read_bytes() == (tmp_path / "clean-edit" / DATASET).read_bytes()

    (project / "data" / "zz-incremental.trig").write_text(EXTRA, encoding="utf-8")  # an added file
    (project / "data" / "links" / "wikidata-places.trig").unlink()  # a deleted file
    changed = build(project, incremental)
    assert not changed.cached and changed.manifest["parsed_files"] == 1
    clean = _clean_build(project, tmp_path / "clean-add-delete")
    assert (incremental / DATASET).read_bytes() == (tmp_path / "clean-add-delete" / DATASET).read_bytes()
    kg = KnowledgeGraph.open(incremental)
    assert bool(kg.query("ASK { cqorg:incremental-test-institute a cq:ResearchOrganisation }"))
    assert not bool(kg.query("ASK { GRAPH <https://w3id.org/cqkg/graph/links/wikidata-places> { ?s ?p ?o } }"))
    cache = sorted(p.name for p in (incremental / "cache").iterdir())
    assert len(cache) == 3 * (len(list((project / "data").rglob("*.trig"))) + 2)  # no stale entries
    lines = clean.stderr.splitlines()  # not a terminal: one line per step, with counts and seconds
    for name in ("load", "validate", "reason", "write"):
        assert any(line.startswith(f"{name}: ") and line.endswith(" s)") for line in lines), clean.stderr


def test_progress_bar_on_a_terminal(capsys):
    lines = []
    progress = Progress(lines.append, bars=True)
    with progress.step("load", total=3, unit="file") as step:
        for _ in range(3):
            step.advance()
        step.done("3 files")
    bar = capsys.readouterr().err  # tqdm's bar, drawn on standard error, then cleared
    assert "load:" in bar and "/3 [" in bar
    assert lines[0].startswith("load: 3 files (") and "load_s" in progress.timings


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    """A small synthetic project, built once, and the same project with one data file edited, built clean."""
    base = tmp_path_factory.mktemp("synthetic")
    project = base / "project"
    generate(project, 2_000)
    previous = base / "previous"
    build(project, previous)
    edited = base / "edited"
    shutil.copytree(project, edited)
    part = edited / "data" / "synthetic" / "part-0001.trig"
    part.write_text(part.read_text(encoding="utf-8").replace("Synthetic Academy 1\"@en", "Synthetic Academy One\"@en"),
                    encoding="utf-8")
    clean = base / "clean"
    build(edited, clean)
    return {"previous": previous, "edited": edited, "clean": (clean / DATASET).read_bytes()}


@pytest.mark.parametrize("point", ["load", "reason", "write", "commit-started", "commit-dataset", "commit-store"])
def test_killed_build_leaves_the_previous_build_usable_and_the_next_one_finishes(synthetic, tmp_path, point):
    folder = tmp_path / "build"
    shutil.copytree(synthetic["previous"], folder)
    before = (folder / DATASET).read_bytes()
    manifest_before = (folder / MANIFEST).read_text()
    env = dict(os.environ, **{KILL_AT: point})
    killed = subprocess.run([sys.executable, "-m", "cqkg.cli", "--root", str(synthetic["edited"]),
                             "--build-dir", str(folder), "build"], env=env, capture_output=True, timeout=600)
    assert killed.returncode == -signal.SIGKILL, killed.stderr

    kg = KnowledgeGraph.open(folder)  # whatever the point, the store opens and answers
    assert bool(kg.query("ASK { cqorg:synth-1 a cq:Organisation }"))
    del kg
    assert (folder / DATASET).read_bytes() in (before, synthetic["clean"])
    if (folder / MANIFEST).exists():  # before the swap: the previous build, untouched and intact
        assert (folder / MANIFEST).read_text() == manifest_before and (folder / DATASET).read_bytes() == before
        assert buildfolder.outputs_intact(folder, json.loads(manifest_before))
    assert not is_current(folder, synthetic["edited"])

    again = build(synthetic["edited"], folder)
    assert not again.cached and is_current(folder, synthetic["edited"])
    assert (folder / DATASET).read_bytes() == synthetic["clean"]
    assert not (folder / (STORE + ".new")).exists() and not (folder / (DATASET + ".new")).exists()
