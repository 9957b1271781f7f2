"""Questions asked before: the dev split's questions as vectors, and whether the sources answered them.

The corpus leaves the same kinds of question unanswered again and again (the amount of a fine, a
fee, a city's own figure, another law's rule), and their words are the corpus's own words, so
evidence from the passages alone lets many through. How the nearest earlier questions turned out
is one more feature for the fitted answerability model (assistant/answerability.py). Where the
earlier answerable questions found their answer is one for the ranker (assistant/features.py): a
passage that answered a question much like this one is likelier to answer it again, and so is
the sentence that stated its key fact (assistant/sentences.py).

Where an earlier question found its answer counts only for questions about the same place: one that
named Drenthe was answered by the AMRD's own arrangements, which are not the answer to the same
question asked without a place (a Drenthe-named dev question once outvoted the AMRD section with the
legal 10 weeks for the PIP). Whether it was answered at all counts for every question: a city's own
budget is missing from the sources whichever city is named. The places come from neighbours.json
(`train_neighbours` records them); a file without them lets every earlier question vote everywhere.

An earlier two-part question votes on where the answer is as a whole for a new question answered
from several passages (two parts, or a place named: the region's arrangement next to the national
rule), and with each part apart otherwise: "hoeveel uur … in totaal, en mag ik de uren
maatschappelijke begeleiding meetellen?" has one row per part, each with the passages and sentences
of its own evidence, so a plain "hoeveel uur participatie in de Z-route?" does not inherit the
passage of its second part (voting whole, that question once outvoted the 800-hour entry with one
that states no number). Voting by parts for every question lost two-part questions their second
passage (cross-fitted 1305 dev: both cited 77 -> 71 of 138); by parts for every one-part question
lost a Drenthe question the AMRD's own split, which eleven two-part national-and-Drenthe questions
had found (docs/measurements/2026-11-29-session9-dev.md). Whether it was answered is asked of the
whole question. Part rows have ids "<question id>#<part number>".

Built by `python -m assistant.fitted.train_neighbours` from dev only; the training scripts hide a
question and its near-copies from itself (`hidden`), as the test split's near-copies of dev
questions were removed when dev grew.
"""
from __future__ import annotations

import json
import logging
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)
FITTED = Path(__file__).resolve().parent / "fitted"
K = 5  # earlier questions consulted (chosen on dev with train_answerability; 3-20 were within 0.02)


@dataclass
class Neighbours:
    """Earlier questions' vectors (unit length), whether they are answerable, and their ids."""

    vectors: np.ndarray
    answerable: np.ndarray
    ids: list[str]  # per row: a question's id, or "<id>#<k>" for part k of a two-part one
    near: dict[str, list[str]] = field(default_factory=dict)  # id -> ids of its near-copies
    answered_in: dict[str, list[str]] = field(default_factory=dict)  # id -> chunk ids holding its answer
    facts_in: dict[str, list] = field(default_factory=dict)  # id -> [chunk id, start] of its key-fact sentences
    scopes: dict[str, str] = field(default_factory=dict)  # id -> the place it named (or its scope), if any
    hidden: frozenset[int] = frozenset()  # rows left out while a training script scores a dev question

    def __post_init__(self) -> None:
        self._row = {q: i for i, q in enumerate(self.ids)}
        question = [q.partition("#")[0] for q in self.ids]
        self._rows: dict[str, list[int]] = {}  # question id -> its rows (the whole question and its parts)
        for i, q in enumerate(question):
            self._rows.setdefault(q, []).append(i)
        self._scope_of = np.asarray([self.scopes.get(q, "") for q in question])
        self._part = np.asarray([q != row for q, row in zip(question, self.ids)], dtype=bool)
        self._split = np.asarray([len(self._rows.get(row, ())) > 1 for row in self.ids], dtype=bool)  # whole rows with parts

    def similarities(self, vector: np.ndarray) -> np.ndarray:
        """Similarity of the question to every earlier one (-inf for hidden ones)."""
        sims = self.vectors @ vector
        if self.hidden:
            sims[list(self.hidden)] = -np.inf
        return sims

    def rows_by_chunk(self) -> dict[str, list[int]]:
        """Per chunk id, the earlier questions it answered."""
        out: dict[str, list[int]] = {}
        for q, chunks in self.answered_in.items():
            for c in chunks:
                out.setdefault(c, []).append(self._row[q])
        return out

    def _whole_similarities(self, vector: np.ndarray) -> np.ndarray:
        """Similarity to every earlier whole question (-inf for parts and hidden ones)."""
        sims = self.similarities(vector)
        sims[self._part] = -np.inf
        return sims

    def nearest(self, vector: np.ndarray, k: int = K) -> list[tuple[int, float]]:
        """The k nearest earlier questions, nearest first: (row, share of their summed similarity)."""
        return self._top(self._whole_similarities(vector), k)

    def voters(self, vector: np.ndarray, scope: str | None, whole: bool = False, k: int = K) -> list[tuple[int, float]]:
        """The k nearest earlier questions that may vote on where a question with `scope` is answered:
        one about a place votes only for questions about that place; an earlier two-part question votes
        whole for a question answered from several passages (`whole`, see `votes_whole`) and by its
        parts otherwise."""
        sims = self.similarities(vector)
        sims[self._part if whole else self._split] = -np.inf
        sims[(self._scope_of != "") & (self._scope_of != (scope or ""))] = -np.inf
        return self._top(sims, k)

    @staticmethod
    def _top(sims: np.ndarray, k: int) -> list[tuple[int, float]]:
        rows = np.argpartition(-sims, k)[:k]
        rows = rows[np.argsort(-sims[rows], kind="stable")]
        weights = [max(0.0, float(sims[j])) for j in rows]
        total = sum(weights) or 1.0
        return [(int(j), w / total) for j, w in zip(rows, weights)]

    def nearest_similarity(self, vector: np.ndarray) -> float:
        """Cosine to the nearest earlier (whole) question: how much the neighbours' votes, which are
        shares of the k nearest however far they are, can say about this question."""
        sims = self._whole_similarities(vector)
        best = float(sims.max()) if len(sims) else 0.0
        return best if np.isfinite(best) else 0.0

    def unanswered_share(self, vector: np.ndarray, k: int = K) -> float:
        """Share of the k nearest earlier questions the sources did not answer."""
        rows = [j for j, _ in self.nearest(vector, k)]
        return float(1.0 - self.answerable[rows].mean())

    def sentence_votes(self, vector: np.ndarray, scope: str | None, whole: bool = False,
                       k: int = K) -> dict[tuple[str, int], float]:
        """Per (chunk id, sentence start): the similarity-weighted share of the k nearest earlier
        questions whose key fact that sentence stated (those that may vote for `scope`)."""
        votes: dict[tuple[str, int], float] = {}
        for j, w in self.voters(vector, scope, whole, k):
            for cid, start in self.facts_in.get(self.ids[j], []):
                votes[(cid, start)] = votes.get((cid, start), 0.0) + w
        return votes

    def hide(self, item_ids: str | Iterable[str] | None) -> None:
        """Leave dev questions (one id or several) and their near-copies out (None shows all again)."""
        self.hidden = self.rows_of(item_ids)

    def rows_of(self, item_ids: str | Iterable[str] | None) -> frozenset[int]:
        """The rows of these questions and of their near-copies."""
        ids = [item_ids] if isinstance(item_ids, str) else list(item_ids or [])
        return frozenset(r for i in ids for q in (i, *self.near.get(i, [])) for r in self._rows.get(q, ()))


def votes_whole(question: str, scope: str | None) -> bool:
    """Whether earlier two-part questions vote whole for this question: it is answered from several
    passages, because it has two parts or names a place (the region's arrangement next to the national
    rule, assistant/compose.py)."""
    from assistant.qtype import parts

    return scope not in (None, "national") or len(parts(question)) > 1


@contextmanager
def hidden(neighbours: Neighbours | None, item_ids: str | Iterable[str]):
    """While fitting or scoring dev: the dev question(s) `item_ids` and their near-copies are left out,
    on top of any already hidden (a whole fold while assistant/fitted/crossfit.py answers it)."""
    if neighbours is None:
        yield
        return
    before = neighbours.hidden
    neighbours.hidden = before | neighbours.rows_of(item_ids)
    try:
        yield
    finally:
        neighbours.hidden = before


def load_neighbours() -> Neighbours | None:
    """The shipped earlier questions, or None when they were not built."""
    path = FITTED / "neighbours.npz"
    if not path.exists():
        log.warning("no earlier questions at %s; answerability runs without them", path)
        return None
    with np.load(path) as data:
        vectors = data["vectors"].astype(np.float32)
        answerable = data["answerable"].astype(np.float32)
    meta = json.loads((FITTED / "neighbours.json").read_text(encoding="utf-8"))
    return Neighbours(vectors, answerable, meta["ids"], meta.get("near", {}), meta.get("answered_in", {}),
                      meta.get("facts_in", {}), meta.get("scopes", {}))
