"""Shared fixtures: the project root, one build of the shipped data per test session, and a CLI runner."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cqkg.build import build
from cqkg.store import KnowledgeGraph

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def root() -> Path:
    """The project folder (ontology/, data/, sources/, queries/)."""
    return ROOT


@pytest.fixture(scope="session")
def build_dir(tmp_path_factory) -> Path:
    """A build of the shipped data, made once per session in a temporary folder."""
    path = tmp_path_factory.mktemp("build")
    build(ROOT, path)
    return path


@pytest.fixture(scope="session")
def kg(build_dir) -> KnowledgeGraph:
    """The built dataset, opened read-only."""
    return KnowledgeGraph.open(build_dir)


def run_cli(*args: str, root: Path = ROOT, build_dir: Path | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    """Run ``python -m cqkg.cli`` as a user would; return the finished process (text output)."""
    env = dict(os.environ, CQKG_ROOT=str(root))
    if build_dir is not None:
        env["CQKG_BUILD_DIR"] = str(build_dir)
    return subprocess.run([sys.executable, "-m", "cqkg.cli", *args], capture_output=True, text=True,
                          env=env, timeout=timeout)


@pytest.fixture(scope="session")
def cli():
    """The CLI runner (see run_cli)."""
    return run_cli
