"""A release: every dump (plain and gzip), its VoID/DCAT description and the CSV tables, in one folder.

``release`` writes them all; ``ensure_released`` does so only when the folder does
not already hold the release of the current build (its fingerprint is recorded
in ``RELEASE_STAMP``).
"""

from __future__ import annotations

from pathlib import Path

from cqkg.build.manifest import read_manifest
from cqkg.release.void import void_description
from cqkg.release.dumps import CONTEXT_FILE, FORMATS, SELECTIONS, dataset_quads, export
from cqkg.store import KnowledgeGraph
from cqkg.release.tables import write_tables

RELEASE_STAMP = ".release-of"
MEDIA_TYPES = {f".{f.extension}": f.media_type for f in FORMATS}


def release(build_dir: Path, out_dir: Path, selections=("all",), extensions=None, compress: bool = True,
            log=lambda message: None) -> list[Path]:
    """Write the release of the build in ``build_dir`` to ``out_dir``; return the files written."""
    out_dir = Path(out_dir)
    quads = dataset_quads(build_dir)
    written = export(build_dir, out_dir, selections, extensions, compress, log, quads=quads)
    dumps = [(p, "application/gzip" if p.name.endswith(".gz") else MEDIA_TYPES[p.suffix])
             for p in written if p.name != CONTEXT_FILE]
    void = out_dir / "void.ttl"
    void.write_bytes(void_description(quads, dumps))
    log(f"wrote {void}")
    written.append(void)
    written += write_tables(KnowledgeGraph.open(build_dir), out_dir / "csv", log)
    (out_dir / RELEASE_STAMP).write_text(read_manifest(build_dir).get("fingerprint", ""), encoding="utf-8")
    return written


def ensure_released(build_dir: Path, out_dir: Path, log=lambda message: None) -> None:
    """Write the full release unless ``out_dir`` already holds the release of this build."""
    stamp = Path(out_dir) / RELEASE_STAMP
    current = read_manifest(build_dir).get("fingerprint", "")
    if not (stamp.exists() and stamp.read_text(encoding="utf-8") == current):
        release(build_dir, out_dir, selections=SELECTIONS[:1], log=log)
