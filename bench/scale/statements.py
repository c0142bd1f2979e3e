"""The generator's building blocks: statements about one subject in one graph, grouped by block."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Statement:
    """One subject in one graph with its (property, object) pairs, both in Turtle syntax."""

    graph: str
    subject: str
    pairs: list[tuple[str, str]]


@dataclass
class Block:
    """The statements of one block, by role: ``sentence``, ``org``, ``observation``, ``curated``, extras."""

    statements: list[Statement] = field(default_factory=list)

    def get(self, subject: str) -> Statement:
        """The statement about ``subject`` (the first one)."""
        return next(s for s in self.statements if s.subject == subject)
