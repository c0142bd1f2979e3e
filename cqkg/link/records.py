"""The common shape of a record read from an external dataset, and opening (compressed) dumps."""

from __future__ import annotations

import bz2
import gzip
import io
from dataclasses import dataclass, field
from pathlib import Path

#: Kinds of thing a record or an entity can be; matching needs them compatible.
KINDS = ("university", "research", "company", "hospital", "place", "event", "other")


@dataclass
class Record:
    """One external record: its IRI, names with languages, kinds, places and founding year."""

    source: str
    iri: str
    names: list[tuple[str, str]] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)
    places: set[str] = field(default_factory=set)
    country: str | None = None
    founded: int | None = None

    def label(self) -> str:
        """The record's first English name, else its first name."""
        return next((n for n, lang in self.names if lang.startswith("en")), self.names[0][0] if self.names else "")


def open_text(path: Path):
    """Open ``path`` for reading text, decompressing .gz and .bz2 on the fly (streaming)."""
    path = Path(path)
    if path.suffix == ".gz":
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    if path.suffix == ".bz2":
        return io.TextIOWrapper(bz2.open(path, "rb"), encoding="utf-8")
    return open(path, encoding="utf-8")


def open_binary(path: Path):
    """Open ``path`` for reading bytes, decompressing .gz and .bz2 on the fly (streaming)."""
    path = Path(path)
    if path.suffix == ".gz":
        return gzip.open(path, "rb")
    if path.suffix == ".bz2":
        return bz2.open(path, "rb")
    return open(path, "rb")
