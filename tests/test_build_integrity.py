"""A build that verifies: damaged outputs, a damaged manifest, interrupted builds, two builds at once, ill-typed literals."""

from __future__ import annotations

import json
import shutil
import threading

import pytest

from conftest import ROOT
from cqkg.build.pipeline import build, is_current
from cqkg.build.manifest import DATASET, MANIFEST, STORE
from cqkg.errors import CqkgError, InputMissingError, InputSyntaxError


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    """A copy of the project's inputs, so that tests can edit them."""
    root = tmp_path_factory.mktemp("project")
    for folder in ("ontology", "data", "sources"):
        shutil.copytree(ROOT / folder, root / folder)
    return root


@pytest.fixture(scope="module")
def original(project, tmp_path_factory):
    """One build of the copy; tests damage copies of it (a build takes many seconds)."""
    folder = tmp_path_factory.mktemp("original") / "build"
    build(project, folder)
    return folder


@pytest.fixture()
def built(original, tmp_path):
    folder = tmp_path / "build"
    shutil.copytree(original, folder)
    return folder


def test_truncated_dataset_is_not_current_and_is_rebuilt(project, built):
    data = (built / DATASET).read_bytes()
    (built / DATASET).write_bytes(data[: len(data) // 2])
    assert not is_current(built, project)
    assert not build(project, built).cached
    assert (built / DATASET).read_bytes() == data and is_current(built, project)


@pytest.mark.parametrize("damage", ["delete-store-file", "empty-store", "garbage-manifest", "manifest-not-object",
                                    "store-is-a-file"])
def test_damaged_build_is_not_current(project, built, damage):
    if damage == "delete-store-file":
        next(p for p in (built / STORE).iterdir() if p.suffix == ".sst").unlink()
    elif damage == "empty-store":
        shutil.rmtree(built / STORE)
        (built / STORE).mkdir()
    elif damage == "garbage-manifest":
        (built / MANIFEST).write_bytes(b"\x00{not json")
    elif damage == "manifest-not-object":
        (built / MANIFEST).write_text("[1, 2]")
    else:
        shutil.rmtree(built / STORE)
        (built / STORE).write_text("not a store")
    assert not is_current(built, project)


def test_interrupted_build_never_claims_what_it_did_not_build(project, built):
    """Edit an input, leave a staged store behind (as a killed build would), revert: the next build checks."""
    before = (built / DATASET).read_bytes()
    (built / (DATASET + ".new")).write_text("half")
    (built / (STORE + ".new")).mkdir()
    (built / MANIFEST).unlink()  # a build killed between removing the old manifest and writing the new one
    assert not is_current(built, project) and (built / DATASET).read_bytes() == before


def test_manifest_records_checksums_of_the_outputs(built):
    outputs = json.loads((built / MANIFEST).read_text())["outputs"]
    assert DATASET in outputs and any(name.startswith(STORE + "/") for name in outputs)
    assert all(len(entry["sha256"]) == 64 and entry["bytes"] > 0 for name, entry in outputs.items() if name == DATASET)


def test_two_builds_at_once_take_turns(project, built):
    (built / MANIFEST).unlink()
    results, failures = [], []

    def run():
        try:
            results.append(build(project, built))
        except CqkgError as error:
            failures.append(error)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not failures and sorted(r.cached for r in results) == [False, True]
    assert is_current(built, project)


def test_ill_typed_literal_is_an_error_with_its_position(project, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(project, broken)
    path = broken / "data" / "zz-bad.trig"
    path.write_text('@prefix cq: <https://w3id.org/cqkg/def/> .\n@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n'
                    '<https://w3id.org/cqkg/graph/curated> {\n  <https://w3id.org/cqkg/id/org/cigit> cq:foundingYear "abc"^^xsd:gYear .\n}\n')
    with pytest.raises(InputSyntaxError, match=r"data/zz-bad.trig:4:\d+: 'abc' is not a valid xsd:gYear"):
        build(broken, tmp_path / "build")


def test_data_file_replaced_by_a_folder_is_a_clear_error(project, tmp_path):
    broken = tmp_path / "broken"
    shutil.copytree(project, broken)
    (broken / "data" / "zz-folder.trig").mkdir()
    with pytest.raises(InputMissingError, match="zz-folder.trig: not a file"):
        build(broken, tmp_path / "build")


def test_build_folder_that_is_a_file_is_a_clear_error(project, tmp_path):
    (tmp_path / "build").write_text("x")
    with pytest.raises(CqkgError, match="is a file, not a build folder"):
        build(project, tmp_path / "build")
