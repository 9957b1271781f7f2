"""Decide whether the sources cover a question, from evidence rather than a score threshold.

Similarity scores of unanswerable questions overlap with those of answerable ones, so the
decision looks at what the question is about: its salient terms ("leges", "Duitsland",
"huurtoeslag"). A term the corpus never uses, or one the best passages do not mention, is
evidence that the sources do not answer the question.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from functools import lru_cache

from inburgering.models import Chunk, Hit
from assistant.conversation import PLACES
from ingest.text import fold, tokens, words

# Words that describe the client or the asker, not the topic ("klant van 17, vrouw, …").
_CASE_WORDS = set("""klant klanten client clienten meneer mevrouw man vrouw jongen meisje iemand persoon
personen kind kinderen jaar jaren oud oude maand maanden week weken dag dagen ik wij we jij je jullie
onze ons mijn hij zij ze die dat dit deze wat welke wanneer waarom hoe hoeveel hoelang waar wie
mag mogen moet moeten kan kunnen krijgt krijgen wordt worden heeft hebben geldt gelden zit zitten
gaat gaan doen doet zijn is was eigenlijk nog even precies graag vraag vragen antwoord regel regels
gemeente gemeenten eens ok oke hallo hoi bedankt dank alsjeblieft situatie geval casus
erin eraf erop eruit ervan erbij erover ermee zomaar max min incl excl etc bijv wel even nou gewoon
echt toch nog ooit altijd nooit""".split())


@dataclass
class Coverage:
    """What the evidence says about a question and its best passages."""

    salient: list[str]
    unknown: list[str]  # salient words the corpus never uses
    missing: list[str]  # known salient words absent from the best passages
    covered: float  # idf-weighted share of salient words found in the best passages
    unknown_share: float = 0.0  # idf-weighted share of salient words the corpus never uses
    verdict: bool = True
    reasons: list[str] = field(default_factory=list)


class CoverageJudge:
    """Judges coverage with document frequencies of the indexed chunks."""

    # These limits decide only when no fitted answerability model is present (assistant/fitted/);
    # otherwise `covered` and `unknown_share` are features of that model. They were set by hand on
    # the 310 original questions, which are now part of the dev split.
    def __init__(self, chunks: list[Chunk], vocabulary: list[str], unknown_limit: float = 0.4,
                 covered_floor: float = 0.2, strong_floor: float = 0.5, df: dict[str, int] | None = None) -> None:
        self.n = len(chunks)
        # `df`: the retriever's document frequencies of the same tokens (text, heading, question),
        # passed in so they are counted once per index load.
        self.df: dict[str, int] = dict(df) if df is not None else {}
        for c in chunks if df is None else ():
            for t in set(tokens(c.text + " " + c.section + " " + (c.question or ""))):
                self.df[t] = self.df.get(t, 0) + 1
        self.vocabulary = set(vocabulary)
        self.unknown_limit = unknown_limit
        self.covered_floor = covered_floor
        self.strong_floor = strong_floor

    def idf(self, stem: str) -> float:
        """Inverse document frequency; an unseen stem weighs most."""
        return math.log(1 + self.n / (1 + self.df.get(stem, 0)))

    def salient(self, question: str) -> list[str]:
        """Topic words of the question: not stop words, verbs, places, case description or ubiquitous."""
        out = []
        for w in words(question):
            if len(w) < 3 or w in _CASE_WORDS or w.isdigit() or w in _PLACE_WORDS or _is_verb(w):
                continue
            stems = tokens(w)
            if not stems or self.df.get(stems[0], 0) > 0.25 * self.n:
                continue
            out.append(w)
        return list(dict.fromkeys(out))

    def judge(self, question: str, prepared: str, hits: list[Hit], top: int = 1) -> Coverage:
        """Coverage of the question by the corpus and by its best `top` passages.

        One passage, not three: the best passage must itself address the question; over three
        passages nearly every known word is found somewhere, which hid unanswerable questions.
        """
        salient = self.salient(question)
        prepared_stems = set(tokens(prepared))
        passage = " ".join(fold(h.chunk.text + " " + h.chunk.section + " " + (h.chunk.question or ""))
                           for h in hits[:top])
        passage_stems = set(tokens(passage))
        unknown, missing, total, found = [], [], 0.0, 0.0
        for w in salient:
            stem = (tokens(w) or [w])[0]
            known = stem in self.df or w in self.vocabulary or _repaired(w, prepared_stems, self.df)
            weight = self.idf(stem) if known else self.idf("\0") * _unknown_weight(w)
            total += weight
            if not known:
                unknown.append(w)
            elif stem in passage_stems or re.search(rf"\b{re.escape(w)}", passage):
                found += weight
            else:
                missing.append(w)
        covered = found / total if total else 1.0
        cov = Coverage(salient, unknown, missing, covered)
        unknown_share = sum(self.idf("\0") * _unknown_weight(w) for w in unknown) / total if total else 0.0
        cov.unknown_share = unknown_share
        strong = [w for w in unknown if self._is_term(w)]
        if unknown_share > self.unknown_limit:
            cov.verdict, cov.reasons = False, [f"unknown terms: {', '.join(unknown)}"]
        elif covered < self.covered_floor:
            cov.verdict, cov.reasons = False, [f"best passage misses: {', '.join(missing + unknown)}"]
        elif strong and covered < self.strong_floor:
            cov.verdict, cov.reasons = False, [f"unknown specialised terms: {', '.join(strong)}"]
        return cov

    def _is_term(self, word: str) -> bool:
        """An unknown word that is neither ordinary Dutch nor a compound of corpus words: a topic
        the sources do not treat ("leges", "digid"), unlike "leerroutebudget" or "ziek"."""
        import simplemma

        if simplemma.is_known(word, lang="nl"):
            return False
        for i in range(3, len(word) - 2):
            head, tail = word[:i], word[i:]
            if head in self.vocabulary and (tail in self.vocabulary or tail[1:] in self.vocabulary
                                            or tail + "en" in self.vocabulary):
                return False
        return True


_PLACE_WORDS = {w for names in PLACES.values() for name in names for w in words(name)} | {"drentse", "bossche"}


@lru_cache(maxsize=8192)  # asked per word of every question, and again at a second look
def _is_verb(word: str) -> bool:
    """A verb form ("noemt", "kreeg", "beginnen"): asks how, not about what."""
    import simplemma

    lemma = simplemma.lemmatize(word, lang="nl")
    # Infinitives stay: they cannot be told from nouns in -en ("examen") without a tagger.
    return lemma.endswith("en") and lemma != word


@lru_cache(maxsize=8192)
def _unknown_weight(word: str) -> float:
    """Unknown ordinary Dutch words ("ziek", "moeder") say less than unknown terms ("leges")."""
    import simplemma

    return 0.4 if simplemma.is_known(word, lang="nl") else 1.0


def _repaired(word: str, prepared_stems: set[str], df: dict[str, int]) -> bool:
    """A misspelt word counts as known when typo repair added a known word close to it."""
    from difflib import SequenceMatcher

    return any(SequenceMatcher(None, word, s).ratio() > 0.8 for s in prepared_stems if s in df and s[:1] == word[:1])
