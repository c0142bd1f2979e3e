"""Names of the build's artifacts and its manifest: what readers of a build need, without the pipeline."""

from __future__ import annotations

import json
from pathlib import Path

MANIFEST = "manifest.json"
DATASET = "dataset.nq"
STORE = "store"
#: The key of the default graph (the union of ontology, asserted and inferred) in the manifest's graph counts.
DEFAULT_GRAPH_KEY = "default"


def read_manifest(build_dir: Path) -> dict:
    """Return the manifest of the build in ``build_dir``, or {} if there is none or it cannot be read."""
    path = Path(build_dir) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):  # absent, unreadable or damaged: as good as no build
        return {}
    return manifest if isinstance(manifest, dict) else {}


def short_version(manifest: dict) -> str:
    """A short identifier of a built dataset's content: 16 hex digits of its inputs' fingerprint."""
    return manifest.get("fingerprint", "unbuilt")[:16]
