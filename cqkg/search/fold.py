"""Folding names into the keys they are compared on.

- ``normalise``: NFKC, case folded, "&" read as "and", punctuation and spaces removed
  (the key the registry linker compares on, too).
- ``fold``: the same after removing accents (Unicode NFKD without combining marks, so
  "chóngqìng" is "chongqing") and converting traditional Chinese characters to
  simplified ones (OpenCC's t2s table), so 重慶大學 is 重庆大学.
- ``pinyin``: the toneless pinyin syllables of a Chinese name (pypinyin, with its
  phrase dictionary choosing the reading of polyphonic characters: 重庆 is chong qing).
- ``pinyin_query``: the key a typed pinyin query is compared on: folded, with tone
  digits (chong2qing4) dropped and "v" read as "ü" (folded to "u"), as pinyin input
  methods allow.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from opencc import OpenCC
from pypinyin import lazy_pinyin

_T2S = OpenCC("t2s")
_NON_WORD = re.compile(r"[\W_]+")
_WORD = re.compile(r"[^\W_]+")


def normalise(name: str) -> str:
    """Fold a name for comparison: NFKC, lower case, '&' as 'and', no punctuation or spaces."""
    text = unicodedata.normalize("NFKC", name).casefold().replace("&", " and ")
    return _NON_WORD.sub("", text)


def has_cjk(text: str) -> bool:
    """True if ``text`` holds a CJK unified ideograph."""
    return any("\u4e00" <= char <= "\u9fff" or "\u3400" <= char <= "\u4dbf" for char in text)


@lru_cache(maxsize=4096)
def unaccented(text: str) -> str:
    """``text`` in simplified script, lower case, without accents; spaces and punctuation kept."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    if has_cjk(plain):
        plain = _T2S.convert(plain)
    return plain.casefold().replace("&", " and ")


def fold(text: str) -> str:
    """The compact key of ``text``: no accents, simplified script, lower case, no spaces or punctuation."""
    return _NON_WORD.sub("", unaccented(text))


def words(text: str) -> tuple[str, ...]:
    """The folded words of ``text`` (runs of letters and digits; a Chinese name is one word)."""
    return tuple(_WORD.findall(unaccented(text)))


def pinyin(text: str) -> tuple[str, ...]:
    """The toneless pinyin syllables of the Chinese characters of ``text`` (other characters dropped)."""
    simplified = unaccented(text)
    syllables = lazy_pinyin(simplified, v_to_u=True, errors="ignore")
    return tuple(fold(s) for s in syllables if fold(s))


def pinyin_query(text: str) -> str:
    """The key a pinyin query is compared on: folded, tone digits 1–5 dropped, "v" as "u"; "" if not Latin."""
    key = fold(text)
    if not key.isascii() or not any(char.isalpha() for char in key):
        return ""
    return key.translate(_PINYIN_QUERY)


_PINYIN_QUERY = str.maketrans({"1": "", "2": "", "3": "", "4": "", "5": "", "v": "u"})
