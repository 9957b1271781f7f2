"""Hybrid retrieval: dense (e5 passages and Q&A question lines) fused with BM25, then filtered.

Informal questions are made retrievable before scoring: glossary expansion ("pip" also searches
"persoonlijk plan inburgering en participatie") and typo repair against the corpus vocabulary.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass
from difflib import SequenceMatcher

import numpy as np

from inburgering.models import Chunk, Hit
from ingest.store import IndexData
from ingest.text import words

log = logging.getLogger(__name__)


@dataclass
class RetrievalWeights:
    """How dense and keyword evidence are mixed; calibrated on the golden set."""

    dense: float = 0.6
    bm25: float = 0.4
    question: float = 1.0  # weight of a Q&A question-line match relative to a passage match


class TypoRepair:
    """Adds the nearest corpus word for query words the corpus does not know."""

    def __init__(self, vocabulary: list[str]) -> None:
        self._known = set(vocabulary)
        self._by_key: dict[tuple[str, int], list[str]] = defaultdict(list)
        for w in vocabulary:
            self._by_key[(w[0], len(w))].append(w)

    def repair(self, query: str) -> str:
        """The query plus corrections of its unknown words (the original words stay)."""
        extra = []
        for w in words(query):
            if len(w) < 5 or w in self._known:
                continue
            best = self._nearest(w)
            if best:
                extra.append(best)
        return f"{query} {' '.join(extra)}" if extra else query

    def _nearest(self, word: str) -> str | None:
        best, best_ratio = None, 0.84
        for n in range(len(word) - 2, len(word) + 3):
            for cand in self._by_key.get((word[0], n), ()):
                ratio = SequenceMatcher(None, word, cand).ratio()
                if ratio > best_ratio:
                    best, best_ratio = cand, ratio
        return best


class Retriever:
    """Ranked passages for a question, from one loaded index."""

    def __init__(self, data: IndexData, embedder, glossary=None, weights: RetrievalWeights | None = None):
        self.data = data
        self.embedder = embedder
        self.glossary = glossary
        self.weights = weights or RetrievalWeights()
        self.typos = TypoRepair(data.keywords.vocabulary)
        self._is_question = np.array([k == "question" for k in data.vector_kind])

    def prepare(self, query: str) -> str:
        """The query as the retrievers see it: glossary-expanded and typo-repaired."""
        expanded = self.glossary.expand(query) if self.glossary else query
        return self.typos.repair(expanded)

    def dense_scores(self, query: str) -> tuple[np.ndarray, np.ndarray]:
        """Per chunk: best passage similarity and (for Q&A entries) question-line similarity."""
        qv = self.embedder.embed([query], kind="query")[0]
        sims, ids = self.data.vectors.search(qv, self.data.vectors.size)
        n = len(self.data.chunks)
        passage, question = np.zeros(n, np.float32), np.zeros(n, np.float32)
        rows = self.data.vector_chunk[ids]
        is_q = self._is_question[ids]
        # Highest similarity first, so the first write per chunk is its maximum.
        for sim, row, q in zip(sims[::-1], rows[::-1], is_q[::-1]):
            (question if q else passage)[row] = sim
        return passage, question

    def search(self, query: str, k: int = 10, allowed=None) -> list[Hit]:
        """The k best chunks for the query; `allowed(chunk) -> bool` filters (as-of, scope)."""
        prepared = self.prepare(query)
        passage, question = self.dense_scores(prepared)
        dense = np.maximum(passage, question * self.weights.question)
        bm25 = self.data.keywords.scores(prepared)
        fused = self.weights.dense * _norm(dense) + self.weights.bm25 * _norm(bm25)
        order = np.argsort(-fused)
        hits: list[Hit] = []
        for i in order:
            chunk = self.data.chunks[i]
            if allowed is not None and not allowed(chunk):
                continue
            if any(_near_duplicate(chunk, h.chunk) for h in hits):
                continue
            hits.append(Hit(chunk, float(fused[i]), dense=float(dense[i]), bm25=float(bm25[i]),
                            rank=len(hits) + 1))
            if len(hits) >= k:
                break
        return hits


def _norm(scores: np.ndarray) -> np.ndarray:
    """Scale scores to 0..1 over the candidates: the best gets 1, the median 0."""
    top = float(scores.max()) if scores.size else 0.0
    floor = float(np.median(scores)) if scores.size else 0.0
    if top <= floor:
        return np.zeros_like(scores)
    return np.clip((scores - floor) / (top - floor), 0.0, 1.0)


def _near_duplicate(a: Chunk, b: Chunk) -> bool:
    """Two passages that say the same thing (the same answer repeated in two themes)."""
    if a.document_id != b.document_id and a.kind != b.kind:
        return False
    wa, wb = set(words(a.text)), set(words(b.text))
    if not wa or not wb:
        return False
    return len(wa & wb) / len(wa | wb) > 0.9
