"""What the dataset page says: the figures of ``cqkg stats``, the data set's own description, the release files.

The figures are ``cqkg.stats.compute`` itself, computed once per build and kept (a
served build never changes). The data set's title, version, licence and citation are
its description in the curated graph (``cqkg.release.void.DATASET``, as the VoID file
states them). The release files (dumps, CSV tables) with their sizes and checksums are
read from the release folder's ``void.ttl``, and the CSV tables hashed once.
"""

from __future__ import annotations

import hashlib
import threading
from pathlib import Path

import pyoxigraph as ox

from cqkg import stats
from cqkg.namespaces import CURATED_GRAPH, term
from cqkg.release.folder import RELEASE_STAMP
from cqkg.release.void import DATASET, DCAT, DOWNLOADS, MEDIA_TYPE_IRIS, SPDX
from cqkg.store import KnowledgeGraph

MAX_TABLE_BYTES = 200_000_000
#: The data set's own properties the page shows, by name.
METADATA = {"title": "dcterms:title", "description": "dcterms:description", "version": "owl:versionInfo",
            "issued": "dcterms:issued", "license": "dcterms:license", "publisher": "dcterms:publisher",
            "creator": "dcterms:creator", "citation": "dcterms:bibliographicCitation"}


class About:
    """The figures and metadata of one build, computed on first use and kept."""

    def __init__(self, kg: KnowledgeGraph):
        self.kg = kg
        self._figures: dict | None = None
        self._files: tuple[str, list[dict]] | None = None
        self._lock = threading.Lock()

    def figures(self) -> dict:
        """``cqkg stats --json``'s figures for this build."""
        with self._lock:
            if self._figures is None:
                self._figures = stats.compute(self.kg)
            return self._figures

    def release_files(self, dist_dir: Path) -> list[dict]:
        """The files of the release in ``dist_dir`` (see ``release_files``), read again only when it is re-exported."""
        stamp = _stamp(Path(dist_dir))
        with self._lock:
            if self._files is None or self._files[0] != stamp:
                self._files = (stamp, release_files(Path(dist_dir)))
            return self._files[1]

    def metadata(self) -> dict[str, str]:
        """The data set's title, description, version, issue date, licence, publisher, creator and citation (English)."""
        found: dict[str, str] = {}
        wanted = {term(prefixed): name for name, prefixed in METADATA.items()}
        for quad in self.kg.store.quads_for_pattern(ox.NamedNode(DATASET), None, None, ox.NamedNode(CURATED_GRAPH)):
            name = wanted.get(quad.predicate.value)
            language = getattr(quad.object, "language", None)
            if name and (name not in found or language == "en"):
                found[name] = quad.object.value
        return found


def release_files(dist_dir: Path) -> list[dict]:
    """The dumps the release's ``void.ttl`` lists (name, media type, bytes, SHA-256), then the CSV tables."""
    files = []
    void = Path(dist_dir) / "void.ttl"
    if void.is_file():
        store = ox.Store()
        store.load(void.read_bytes(), format=ox.RdfFormat.TURTLE)
        for row in store.query(f"""
                SELECT ?url ?media ?bytes ?sha WHERE {{
                    ?d <{DCAT}downloadURL> ?url ; <{DCAT}mediaType> ?media ; <{DCAT}byteSize> ?bytes .
                    OPTIONAL {{ ?d <{SPDX}checksum>/<{SPDX}checksumValue> ?sha }}
                }} ORDER BY ?url LIMIT 1000"""):
            name = row["url"].value.removeprefix(DOWNLOADS)
            files.append({"name": name, "href": "/dumps/" + name, "media_type": row["media"].value.removeprefix(MEDIA_TYPE_IRIS),
                          "bytes": int(row["bytes"].value),
                          "sha256": row["sha"].value if row["sha"] else None})
    for table in sorted((Path(dist_dir) / "csv").glob("*.csv")):
        if table.stat().st_size <= MAX_TABLE_BYTES:
            files.append({"name": "csv/" + table.name, "href": "/dumps/csv/" + table.name, "media_type": "text/csv",
                          "bytes": table.stat().st_size, "sha256": hashlib.sha256(table.read_bytes()).hexdigest()})
    return files


def _stamp(dist_dir: Path) -> str:
    """What changes when the release is written again: its stamp and the time its description was written."""
    try:
        return (dist_dir / RELEASE_STAMP).read_text(encoding="utf-8") + str((dist_dir / "void.ttl").stat().st_mtime_ns)
    except OSError:
        return ""
