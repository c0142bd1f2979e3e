"""Writing a build's outputs: ``dataset.nq.new`` (sorted N-Quads) and ``store.new/`` (an on-disk pyoxigraph store).

``Outputs.start`` begins as soon as the inputs are loaded: for a fresh store it
concatenates the data's own graphs (the parse cache's N-Quads) and bulk-loads them
into ``store.new/`` in a thread, while validation and reasoning run (pyoxigraph lets
go of the interpreter while it loads; loading is the longest part of writing).
``add_stated`` dumps the working store (ontology, asserted, inferred and default
graphs); ``finish`` loads that dump too, sorts both dumps into ``dataset.nq.new``
(coreutils ``sort``: bytewise, external, bounded memory) and counts the quads per
graph. After a small edit of an intact previous build, ``store.new/`` is instead a
checkpoint of the previous store (hard links) with the difference applied.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import threading
from pathlib import Path

import pyoxigraph as ox

from cqkg.build import folder as buildfolder
from cqkg.build.manifest import DATASET, DEFAULT_GRAPH_KEY, STORE
from cqkg.build.parse_cache import Parsed
from cqkg.errors import CqkgError

NQ = ox.RdfFormat.N_QUADS
COUNTS = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
DEFAULT_COUNT = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
SORTING = DATASET + ".sorting."


class Outputs:
    """The staged outputs of one build (see the module docstring)."""

    def __init__(self, build_dir: Path, parsed: list[Parsed], previous: bool):
        self.build_dir, self.parsed, self.previous = build_dir, parsed, previous
        self.dataset_new, self.store_new = buildfolder.staging_paths(build_dir)
        self.data_dump = build_dir / "data.nq.part"
        self.stated_dump = build_dir / "stated.nq.part"
        self._loader: threading.Thread | None = None
        self._store: ox.Store | None = None
        self._errors: list[BaseException] = []

    def start(self) -> None:
        """Concatenate the data graphs; for a fresh store, start loading them in a thread."""
        for stale in self.build_dir.glob(SORTING + "*"):  # left by killed builds
            stale.unlink(missing_ok=True)
        with open(self.data_dump, "wb") as out:
            for p in self.parsed:
                if p.kind == "data":
                    with open(p.quads_path, "rb") as quads:
                        shutil.copyfileobj(quads, out)
        shutil.rmtree(self.store_new, ignore_errors=True)
        if not self.previous:
            self._store = ox.Store(str(self.store_new))
            self._loader = threading.Thread(target=self._load, args=(self.data_dump,), daemon=True)
            self._loader.start()

    def add_stated(self, store: ox.Store) -> None:
        """Dump the working store (all its graphs) for the outputs."""
        store.dump(str(self.stated_dump), format=NQ)

    def finish(self) -> dict[str, int]:
        """Complete dataset.nq.new and store.new/; return the quads per graph."""
        # Sorted under a name of this process's own: a sort left running by a killed build
        # (SIGKILL does not reach it) cannot write over this one's output.
        sorting = self.build_dir / f"{SORTING}{os.getpid()}"
        _run(["sort", "-u", "-T", str(self.build_dir), "-o", str(sorting), str(self.data_dump), str(self.stated_dump)])
        os.replace(sorting, self.dataset_new)
        if self.previous and not _update(self.build_dir, self.dataset_new, self.store_new):
            self.previous = False
            shutil.rmtree(self.store_new, ignore_errors=True)
            self._store = ox.Store(str(self.store_new))
            self._load(self.data_dump)
        if not self.previous:
            self.close()
            self._load(self.stated_dump)
            if self._errors:
                raise self._errors[0]
            self._store.flush()
            self._store.optimize()
        self._store = None
        built = ox.Store.read_only(str(self.store_new))
        counts = {row["g"].value: int(row["n"].value) for row in built.query(COUNTS)}
        counts[DEFAULT_GRAPH_KEY] = int(next(iter(built.query(DEFAULT_COUNT)))["n"].value)
        del built
        self.data_dump.unlink(missing_ok=True)
        self.stated_dump.unlink(missing_ok=True)
        return dict(sorted(counts.items()))

    def close(self) -> None:
        """Wait for the loading thread (a failed build must not leave it writing after the lock is gone)."""
        if self._loader is not None:
            self._loader.join()
            self._loader = None

    def _load(self, path: Path) -> None:
        try:
            self._store.bulk_load(path=str(path), format=NQ)
        except BaseException as error:  # re-raised by finish(), in the build's thread
            self._errors.append(error)


def _update(build_dir: Path, dataset_new: Path, store_new: Path) -> bool:
    """Make store.new/ a copy of the built store (a RocksDB checkpoint: hard links) with the difference applied.

    The difference is read from the two sorted dumps: both are pyoxigraph's canonical
    N-Quads, one quad per line, so two quads are equal exactly when their lines are.
    Quads are removed before others are added. Returns False (nothing done) when
    more than a fifth of the dump changed: a fresh load is then as fast.
    """
    previous = build_dir / DATASET
    removed = _run(["comm", "-23", str(previous), str(dataset_new)])
    added = _run(["comm", "-13", str(previous), str(dataset_new)])
    if (len(removed) + len(added)) * 5 > dataset_new.stat().st_size:
        return False
    ox.Store.read_only(str(build_dir / STORE)).backup(str(store_new))
    target = ox.Store(str(store_new))
    for quad in ox.parse(removed, format=NQ):
        target.remove(quad)
    target.extend(ox.parse(added, format=NQ))
    target.flush()
    target.optimize()
    del target
    return True


def _run(command: list[str]) -> bytes:
    """Run coreutils ``sort`` or ``comm`` bytewise (LC_ALL=C); return its output."""
    try:
        result = subprocess.run(command, env={**os.environ, "LC_ALL": "C"}, check=True, capture_output=True)
    except FileNotFoundError:
        raise CqkgError(f"the build needs the {command[0]} command (coreutils)") from None
    except subprocess.CalledProcessError as error:
        raise CqkgError(f"{command[0]} failed: {error.stderr.decode(errors='replace').strip()}") from None
    return result.stdout
