"""Checks a generated answer must pass before it is shown (LLM mode); each returns a reason or None.

Written against the failures of a small local model (issue 12): answers that are only "[1]",
that repeat the question, that list section headings, a "Ja" where the cited sentence says no,
and a real number from the passage attached to the wrong thing.
"""
from __future__ import annotations

import re
from functools import lru_cache

MARK = re.compile(r"\[(\d+)\]")
_WORD = re.compile(r"[^\W\d_][\w-]*", re.UNICODE)
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
_SENTENCE = re.compile(r"(?<=[.!?;:])\s+|\n+")
MIN_OWN_WORDS = 2  # content words beyond the question, found in the cited passages
MIN_SUPPORTED_SHARE = 0.5
# Words that only say what unit a number has: they cannot show what the number is attached to.
UNITS = {"procent", "uur", "uren", "euro", "week", "weken", "maand", "maanden", "jaar", "jaren", "dag",
         "dagen", "keer", "minuten", "punten", "niveau"}
NEGATIONS = {"niet", "geen", "géén", "nooit", "niets", "niemand"}


@lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    from stop_words import get_stop_words

    return frozenset(get_stop_words("dutch")) | {"passage", "passages", "bron", "bronnen", "vraag", "antwoord"}


def words(text: str) -> list[str]:
    """Lower-case words of a text (no numbers, no markers)."""
    return [w.lower() for w in _WORD.findall(MARK.sub(" ", text))]


def content_words(text: str) -> list[str]:
    """Words that carry meaning: not a stop word, at least four letters."""
    stop = _stop_words()
    return [w for w in words(text) if len(w) >= 4 and w not in stop]


def _matches(word: str, vocabulary: set[str]) -> bool:
    """`word` or an inflection of it (a shared stem of five letters or more) is in `vocabulary`."""
    if word in vocabulary:
        return True
    stem = word[:max(5, len(word) - 3)]
    # Inflections share a stem; Dutch compounds end in their head word (urenverplichting: verplichting).
    return len(stem) >= 5 and any(v.startswith(stem) or (len(v) >= 5 and word.startswith(v))
                                  or (len(v) >= 6 and (word.endswith(v) or v.endswith(word))) for v in vocabulary)


def only_markers(text: str) -> str | None:
    """An answer with (almost) no words besides its [n] markers."""
    if len(words(text)) < 3:
        return "the answer has no text besides its markers"
    return None


def unsupported_words(text: str, question: str, cited: str) -> str | None:
    """Too few content words of its own (not from the question) that the cited passages contain."""
    asked = set(content_words(question))
    own = [w for w in dict.fromkeys(content_words(text)) if not _matches(w, asked)]
    if not own:
        return "the answer only repeats the question"
    source = set(content_words(cited))
    supported = [w for w in own if _matches(w, source)]
    if len(supported) < MIN_OWN_WORDS or len(supported) < MIN_SUPPORTED_SHARE * len(own):
        return f"too few of the answer's own words occur in the cited passages ({len(supported)} of {len(own)})"
    return None


def lists_headings(text: str, headings: list[str]) -> str | None:
    """An answer whose lines are the section headings of the passages rather than what they say."""
    parts = [p for p in (" ".join(words(s)) for s in re.split(r"\n+|;|(?<=\.)\s+", MARK.sub(" ", text))) if p]
    known = {" ".join(words(h)) for heading in headings for h in re.split(r"\s*>\s*|\s+—\s+", heading) if h}
    hits = [p for p in parts if p in known or any(p and p == k[:len(p)] and len(p) > 8 for k in known)]
    if parts and len(hits) * 2 >= len(parts):
        return "the answer lists section headings"
    return None


def _polar(text: str) -> str | None:
    first = words(text[:20])
    return first[0] if first and first[0] in ("ja", "nee") else None


def _negated(sentence: str) -> bool:
    return any(w in NEGATIONS for w in words(sentence))


def contradicts_source(text: str, cited: str) -> str | None:
    """A "ja"/"nee" answer must agree with the cited sentence it rests on (negated or not)."""
    polar = _polar(text)
    if polar is None:
        return None
    body_text = re.sub(r"^\W*(ja|nee)\b", "", text, flags=re.IGNORECASE)
    body = set(content_words(body_text))
    sentences = [s for s in _SENTENCE.split(cited) if s.strip()]
    best = max(sentences, key=lambda s: len(body & set(content_words(s))), default="")
    if not best or not body & set(content_words(best)):
        return None  # nothing to compare with; the other checks judge such an answer
    # "Nee, X hoeft geen PIP" claims the negation; a bare "Nee, ..." negates what follows.
    claims_no = _negated(body_text) or (polar == "nee")
    if claims_no != _negated(best):
        return f"the answer says {polar!r} but the cited sentence says the opposite"
    return None


def _numbers(text: str) -> set[str]:
    return set(_NUMBER.findall(MARK.sub(" ", text)))


def _clauses(text: str) -> list[str]:
    """The answer cut into clauses: a number and what it counts stand in one clause."""
    return [c for c in re.split(r"[.!?;,:]\s+|\s+en\s+|\n+", MARK.sub(" ", text)) if c.strip()]


def misattached_numbers(text: str, cited: str) -> str | None:
    """A number may not be attached to what the source says of another number.

    "36 procent heeft werk" where the source says "45 procent ... aan het werk. 36 procent ... volgt
    een opleiding": "werk" stands with another number in the source, never with 36.
    """
    sentences = [s for s in _SENTENCE.split(cited) if s.strip()]
    for clause in _clauses(text):
        around = {w for w in content_words(clause) if w not in UNITS}
        for number in _numbers(clause):
            own = [s for s in sentences if number in _numbers(s)]
            others = [s for s in sentences if s not in own and _numbers(s)]
            if not own:
                continue
            with_number = set(content_words(" ".join(own)))
            elsewhere = set(content_words(" ".join(others)))
            wrong = sorted(w for w in around if not _matches(w, with_number) and _matches(w, elsewhere))
            if wrong:
                return f"the number {number} is attached to {wrong}, which the source says of another number"
    return None
