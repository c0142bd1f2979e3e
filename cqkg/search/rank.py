"""Scoring a query against the names of the index, 0–100, and ranking the entries.

One scale for the search page, the reconciliation service and its suggest service:

- 100: the folded query equals a name (an exact label; accents, case, spaces,
  punctuation and traditional script do not count);
- 98: the query, read as pinyin, is the whole pinyin of a Chinese name
  ("chongqing daxue", "chóngqìng dàxué", "chongqingdaxue" for 重庆大学);
- 80–97: the query is part of a name (a Chinese substring, a partial word), more the
  more of the name it covers, +2 when the name starts with it;
- 78–95: the query is part of a name's pinyin, starting at a syllable; or every word
  of the query begins a word of the name, in any order ("univ chongq");
- 70–85: a name is part of a query at most twice its length (the query says more);
- otherwise 95 × the similarity of the folded strings (Indel ratio), kept from 50.

Ties: preferred labels before aliases, then the shorter label, then the IRI.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from rapidfuzz import fuzz

from cqkg.search.fold import fold, pinyin_query, words
from cqkg.search.index import Entry, Name, SearchIndex

THRESHOLD = 50.0


@dataclass(frozen=True)
class Query:
    """A query folded once: its compact key, its words and its pinyin key."""

    key: str
    words: tuple[str, ...]
    pinyin: str

    @classmethod
    def of(cls, text: str) -> "Query":
        """Fold ``text`` into a Query."""
        return cls(fold(text), words(text), pinyin_query(text))


@dataclass(frozen=True)
class Hit:
    """An entry found for a query: its score and the name that gave it."""

    entry: Entry
    score: float
    name: Name


def score_name(query: Query, name: Name) -> float:
    """The score of ``name`` for ``query`` (0–100; below THRESHOLD means no match)."""
    key, wanted = name.key, query.key
    if not wanted or not key:
        return 0.0
    if wanted == key:
        return 100.0
    if query.pinyin and query.pinyin == name.pinyin:
        return 98.0
    best = 0.0
    if wanted in key:
        best = 80 + 15 * len(wanted) / len(key) + (2 if key.startswith(wanted) else 0)
    elif key in wanted and 2 * len(key) >= len(wanted):
        best = 70 + 15 * len(key) / len(wanted)
    if best < 95 and query.pinyin and name.pinyin:
        best = max(best, _pinyin_part(query.pinyin, name))
    if best < 93 and len(query.words) > 1 and name.spaced:
        best = max(best, _word_prefixes(query.words, name))
    if best < THRESHOLD:
        best = max(best, fuzz.ratio(wanted, key, score_cutoff=THRESHOLD / 0.95) * 0.95)
    return best


def _pinyin_part(wanted: str, name: Name) -> float:
    start = name.pinyin.find(wanted)
    while start != -1:
        if start in name.syllable_starts:
            return 78 + 15 * len(wanted) / len(name.pinyin) + (2 if start == 0 else 0)
        start = name.pinyin.find(wanted, start + 1)
    return 0.0


def _word_prefixes(wanted: tuple[str, ...], name: Name) -> float:
    if all(" " + part in name.spaced for part in wanted):
        return 78 + 15 * min(1.0, sum(map(len, wanted)) / len(name.key))
    return 0.0


def rank(index: SearchIndex, text: str, limit: int | None = None,
         accept: Callable[[Entry], bool] | None = None) -> list[Hit]:
    """The entries matching ``text`` (score ≥ THRESHOLD), best first, at most ``limit``."""
    query = Query.of(text)
    best: dict[str, Hit] = {}
    for position in index.table.candidates(query.key, query.pinyin, query.words, THRESHOLD / 0.95):
        entry, name = index.table.names[position]
        score = round(score_name(query, name), 1)
        known = best.get(entry.iri)
        # An entry's best name; of equal scores, a preferred label before an alias.
        if score >= THRESHOLD and (known is None or (score, name.preferred) > (known.score, known.name.preferred)):
            best[entry.iri] = Hit(entry, score, name)
    hits = sorted((hit for hit in best.values() if accept is None or accept(hit.entry)), key=sort_key)
    return hits if limit is None else hits[:limit]


def sort_key(hit: Hit):
    """Best score first; then preferred labels before aliases, shorter labels, IRIs."""
    return (-hit.score, not hit.name.preferred, len(hit.entry.label), hit.entry.iri)
