"""Finding the names a query can match without scoring every name: lookups that run in C.

Every name of the index sits in one flat table; its folded keys, pinyin and words are
also joined into three long strings, so that "which names contain this?" is a few
``str.find`` calls, and the fuzzy tier is one ``rapidfuzz.process.extract`` call over
all keys. Only the names found here are scored (``cqkg.search.rank``); any name that
could reach the score threshold is among them, since each comes from one of the tiers
the score is made of. Measured on the shipped graph (1,333 names): scoring every name
took 3–4 ms a query, scoring these candidates a fraction of a millisecond.
"""

from __future__ import annotations

import math
from bisect import bisect_right
from collections import defaultdict

from rapidfuzz import fuzz, process

SEPARATOR = "\x00"  # never in a folded key, so no match spans two names


class NameTable:
    """All (entry, name) pairs of an index, with the lookups that propose candidates for a query."""

    def __init__(self, entries):
        self.names = [(entry, name) for entry in entries for name in entry.names]
        self.keys = [name.key for _entry, name in self.names]
        self.by_key, self.by_pinyin, self.by_length = defaultdict(list), defaultdict(list), defaultdict(list)
        for position, (_entry, name) in enumerate(self.names):
            self.by_key[name.key].append(position)
            self.by_length[len(name.key)].append(position)
            if name.pinyin:
                self.by_pinyin[name.pinyin].append(position)
        self.key_text = _Joined(self.keys)
        self.pinyin_text = _Joined([name.pinyin for _entry, name in self.names])
        self.spaced_text = _Joined([name.spaced for _entry, name in self.names])

    def candidates(self, key: str, pinyin: str, words: tuple[str, ...], fuzzy_cutoff: float) -> set[int]:
        """Positions of the names that may match a query with these folded ``key``, ``pinyin`` and ``words``."""
        if not key:
            return set()
        found = set(self.by_key.get(key, ())) | self.key_text.containing(key) | self._inside(key)
        if pinyin:
            found |= set(self.by_pinyin.get(pinyin, ())) | self.pinyin_text.containing(pinyin)
        if len(words) > 1:
            found |= set.intersection(*(self.spaced_text.containing(" " + word) for word in words))
        # A hair below the cutoff: process.extract and fuzz.ratio may round a ratio at the cutoff differently.
        found.update(position for _choice, _score, position in
                     process.extract(key, self.keys, scorer=fuzz.ratio, score_cutoff=fuzzy_cutoff - 0.01, limit=None))
        return found

    def _inside(self, key: str) -> set[int]:
        """Names that are part of ``key`` and at least half as long."""
        found = set()
        for length in range(math.ceil(len(key) / 2), len(key)):
            found.update(p for p in self.by_length.get(length, ()) if self.keys[p] in key)
        return found


class _Joined:
    """Strings joined into one, to find every string containing a part with ``str.find``."""

    def __init__(self, strings: list[str]):
        self.starts, offset = [], 0
        for text in strings:
            self.starts.append(offset)
            offset += len(text) + 1
        self.text = SEPARATOR.join(strings)

    def containing(self, part: str) -> set[int]:
        """Positions of the strings that contain ``part``."""
        found, start = set(), self.text.find(part)
        while start != -1:
            position = bisect_right(self.starts, start) - 1
            found.add(position)
            # Go on after this string: one hit per string is enough.
            following = self.starts[position + 1] if position + 1 < len(self.starts) else len(self.text)
            start = self.text.find(part, following)
        return found
