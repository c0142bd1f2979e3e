"""The build folder's integrity: one writer at a time, outputs swapped in whole, a manifest that can be checked.

- **Lock**: ``build/.lock`` (an advisory ``flock``) keeps two builds from writing at
  once; the second waits for the first, then finds the build current.
- **Staging**: a build writes ``dataset.nq.new`` and ``store.new/``, then removes the
  manifest, moves both into place and writes the new manifest last, atomically
  (temporary file, fsync, rename). A build killed at any point leaves either no
  manifest (the next build starts again) or a manifest for what is in place.
- **Checksums**: the manifest records the SHA-256 and size of every file the build
  wrote (the store's log files excepted, which a reader may touch); a build folder
  whose files do not match, or whose manifest cannot be read, is not current.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import time
from contextlib import contextmanager
from pathlib import Path

from cqkg.build.manifest import DATASET, MANIFEST, STORE
from cqkg.errors import CqkgError

LOCK = ".lock"
WAIT_SECONDS = 600


@contextmanager
def exclusive(build_dir: Path, log=lambda message: None):
    """Hold the build folder's lock while the block runs (waiting up to 10 minutes for another build)."""
    _ensure_folder(build_dir)
    with open(build_dir / LOCK, "a+") as handle:
        deadline = time.monotonic() + WAIT_SECONDS
        waiting = False
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if not waiting:
                    log(f"waiting for another build of {build_dir} to finish")
                    waiting = True
                if time.monotonic() > deadline:
                    raise CqkgError(f"another build has held {build_dir / LOCK} for {WAIT_SECONDS} s; "
                                    "is a build stuck?") from None
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def staging_paths(build_dir: Path) -> tuple[Path, Path]:
    """Where a build writes before the swap: (dataset file, store folder)."""
    return build_dir / (DATASET + ".new"), build_dir / (STORE + ".new")


def commit(build_dir: Path, manifest: dict) -> dict:
    """Swap the staged outputs into place and write ``manifest`` with their checksums, last. Returns it."""
    dataset_new, store_new = staging_paths(build_dir)
    (build_dir / MANIFEST).unlink(missing_ok=True)
    os.replace(dataset_new, build_dir / DATASET)
    store, old = build_dir / STORE, build_dir / (STORE + ".old")
    shutil.rmtree(old, ignore_errors=True)
    if store.is_dir():
        store.rename(old)
    elif store.exists():
        store.unlink()  # a file where the store folder belongs
    store_new.rename(store)
    shutil.rmtree(old, ignore_errors=True)
    manifest = dict(manifest, outputs=checksums(build_dir))
    temporary = build_dir / (MANIFEST + ".tmp")
    with open(temporary, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    os.replace(temporary, build_dir / MANIFEST)
    return manifest


def checksums(build_dir: Path) -> dict[str, dict]:
    """SHA-256 and size of the dataset file and of every store file but the logs, by relative path."""
    files = [build_dir / DATASET] + sorted(p for p in (build_dir / STORE).iterdir()
                                           if p.is_file() and not _is_log(p.name))
    return {str(p.relative_to(build_dir)): {"sha256": _sha256(p), "bytes": p.stat().st_size} for p in files}


def outputs_intact(build_dir: Path, manifest: dict) -> bool:
    """True if every output the manifest lists is there with the same size and checksum."""
    outputs = manifest.get("outputs")
    if not isinstance(outputs, dict) or not outputs or not (build_dir / STORE).is_dir():
        return False
    for name, expected in outputs.items():
        path = build_dir / name
        try:
            if not path.is_file() or path.stat().st_size != expected["bytes"] or _sha256(path) != expected["sha256"]:
                return False
        except (OSError, KeyError, TypeError):
            return False
    return True


def _is_log(name: str) -> bool:
    return name.endswith(".log") or name.startswith("LOG")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _ensure_folder(build_dir: Path) -> None:
    if build_dir.exists() and not build_dir.is_dir():
        raise CqkgError(f"{build_dir} is a file, not a build folder: remove it or set CQKG_BUILD_DIR")
    build_dir.mkdir(parents=True, exist_ok=True)
