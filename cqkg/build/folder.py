"""The build folder's integrity: one writer at a time, outputs swapped in whole, a manifest that can be checked.

- **Lock**: ``build/.lock`` (an advisory ``flock``) keeps two builds from writing at
  once; the second waits for the first, then finds the build current.
- **Staging**: a build writes ``dataset.nq.new``, ``store.new/`` and ``manifest.json.new``,
  then removes the manifest, renames the dataset into place, exchanges the two store
  folders in one step (Linux ``renameat2(RENAME_EXCHANGE)``; elsewhere two renames)
  and renames the new manifest into place last. A build killed at any point leaves a
  complete ``dataset.nq`` and an openable ``store/`` (old or new), and either no
  manifest (the next build starts again) or a manifest for what is in place.
- **Checksums**: the manifest records the SHA-256 and size of every file the build
  wrote (the store's log files excepted, which a reader may touch); a build folder
  whose files do not match, or whose manifest cannot be read, is not current.
"""

from __future__ import annotations

import ctypes
import errno
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


def commit(build_dir: Path, manifest: dict, checkpoint=lambda name: None) -> dict:
    """Swap the staged outputs into place and write ``manifest`` with their checksums, last. Returns it.

    ``checkpoint`` is called with the name of each point of the swap (a test hook).
    """
    dataset_new, store_new = staging_paths(build_dir)
    manifest = dict(manifest, outputs=checksums(build_dir, dataset_new, store_new))
    manifest_new = build_dir / (MANIFEST + ".new")
    with open(manifest_new, "w", encoding="utf-8") as handle:
        handle.write(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
        handle.flush()
        os.fsync(handle.fileno())
    (build_dir / MANIFEST).unlink(missing_ok=True)
    checkpoint("commit-started")
    os.replace(dataset_new, build_dir / DATASET)
    checkpoint("commit-dataset")
    _swap_in(store_new, build_dir / STORE)
    checkpoint("commit-store")
    os.replace(manifest_new, build_dir / MANIFEST)
    _remove(store_new)  # the previous store, after the exchange
    return manifest


def checksums(build_dir: Path, dataset: Path | None = None, store: Path | None = None) -> dict[str, dict]:
    """SHA-256 and size of the dataset file and of every store file but the logs, by relative path.

    ``dataset`` and ``store`` name staged outputs to check under their final names.
    """
    dataset, store = dataset or build_dir / DATASET, store or build_dir / STORE
    files = {DATASET: dataset}
    files.update({f"{STORE}/{p.name}": p for p in sorted(store.iterdir()) if p.is_file() and not _is_log(p.name)})
    return {name: {"sha256": _sha256(p), "bytes": p.stat().st_size} for name, p in files.items()}


def _swap_in(staged: Path, target: Path) -> None:
    """Put ``staged`` at ``target`` and whatever was at ``target`` at ``staged``, atomically where the system can."""
    if target.exists() or target.is_symlink():
        if _exchange(staged, target):
            return
        old = target.with_name(target.name + ".old")
        _remove(old)
        target.rename(old)
        staged.rename(target)
        old.rename(staged)
    else:
        staged.rename(target)


def _exchange(first: Path, second: Path) -> bool:
    """Exchange two paths in one step with Linux's renameat2(RENAME_EXCHANGE); False where it is not available."""
    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if renameat2(at_fdcwd, os.fsencode(first), at_fdcwd, os.fsencode(second), rename_exchange) == 0:
        return True
    if ctypes.get_errno() in (errno.EINVAL, errno.ENOSYS, errno.EXDEV):  # file system or kernel without it
        return False
    raise OSError(ctypes.get_errno(), os.strerror(ctypes.get_errno()), str(second))


def _remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path, ignore_errors=True)
    else:
        path.unlink(missing_ok=True)


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
