"""Dutch keyword tokens: lower case, accents folded, stop words dropped, dutch_porter stems."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

_WORD = re.compile(r"[a-z0-9]+")


@lru_cache(maxsize=16384)
def fold(text: str) -> str:
    """Lower case without accents ("financiën" -> "financien"), non-breaking spaces as spaces.

    Memoised: the same passages and sentences are folded question after question (about 9,000
    characters per question; 4,096 entries were too few to hold them, and most calls missed).
    Plain ASCII, most of them, has nothing to decompose and skips the walk character by character."""
    text = text.lower().replace("\u00a0", " ")
    if text.isascii():
        return text
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c))


def words(text: str) -> list[str]:
    """Folded word tokens, hyphenated parts apart ("Z-route" -> "z", "route")."""
    return _WORD.findall(fold(text))


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from stop_words import get_stop_words

    # Short words that carry meaning in this domain stay searchable.
    keep = {"z", "b1", "a2", "niet", "geen"}
    return frozenset(fold(w) for w in get_stop_words("dutch")) - keep


@lru_cache(maxsize=1)
def _stemmer():
    import Stemmer

    # dutch_porter, not "dutch": the newer stemmer mangles words (gemeenten -> "meen").
    return Stemmer.Stemmer("dutch_porter")


def tokens(text: str) -> list[str]:
    """Keyword tokens of a text for BM25."""
    stop = _stop_words()
    kept = [w for w in words(text) if w not in stop]
    return _stemmer().stemWords(kept)
