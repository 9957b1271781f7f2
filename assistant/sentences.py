"""Pick the sentences of a passage that answer a question (extractive, no generation)."""
from __future__ import annotations

import math
from functools import lru_cache
import re
from dataclasses import dataclass

from inburgering.models import Chunk
from ingest.dates import MARKER
from ingest.split import count_words, sentence_spans
from ingest.text import tokens

_LINKISH = re.compile(r"^(Lees|Bekijk|Download|Ga naar|Meer informatie|Zie ook)\b", re.IGNORECASE)


@dataclass
class Sentence:
    """A sentence of a chunk: offsets into chunk.text and its relevance to the question."""

    start: int
    end: int
    text: str
    score: float = 0.0
    position: int = 0


def candidate_sentences(chunk: Chunk) -> list[Sentence]:
    """Sentences of the chunk that can carry an answer (no headings, markers or link lines)."""
    return [Sentence(a, b, chunk.text[a:b], position=n)
            for n, (a, b) in enumerate(_answer_spans(chunk.text, chunk.question, chunk.role))]


# A passage's sentences are split again for every question that finds it, and twice when the answer
# gets a second look: about 2 ms a question. The spans are memoised; the Sentence objects stay fresh.
@lru_cache(maxsize=4096)
def _answer_spans(text: str, question: str | None, role: str) -> tuple[tuple[int, int], ...]:
    out = []
    for a, b in sentence_spans(text):
        s = text[a:b]
        if question and (question[:40] in s or " ".join(s.split()) in " ".join(question.split())):
            continue  # the question line itself (any of its sentences) answers nothing
        if MARKER.fullmatch(s.strip()) or _LINKISH.match(s.strip()) or count_words(s) < 4:
            continue
        if a == 0 and role != "qa" and "\n" not in s and not s.rstrip().endswith((".", "?", "!")):
            continue  # a section heading
        out.append((a, b))
    return tuple(out)


SENTENCE_FEATURES = [
    "sim", "sim_gap_passage", "sim_gap_all", "window", "overlap", "overlap_share", "type_match", "asks_type",
    "states_number", "is_first", "log_position", "yesno_direct", "leans_back", "ends_colon", "log_words",
    "hit_rank", "hit_score", "role_qa", "asked_vote",
]


@dataclass
class SentenceContext:
    """The question side of sentence scoring."""

    weights: dict[str, float]  # idf of the question's tokens
    types: set[str]  # kinds of fact asked (assistant/qtype.py)
    sims: object = None  # similarity of every indexed sentence to the question (empty: an older index)
    rows: dict | None = None  # chunk_id -> {(start, end): row}
    asked: dict | None = None  # (chunk_id, start) -> vote of the nearest earlier questions (assistant/neighbours.py)

    def similarity(self, row: int | None) -> float:
        """The question's similarity to one indexed sentence (0 when it has no vector)."""
        return float(self.sims[row]) if row is not None and self.sims is not None and len(self.sims) else 0.0


@lru_cache(maxsize=16384)
def token_set(text: str) -> frozenset[str]:
    """Keyword tokens of a sentence (memoised)."""
    return frozenset(tokens(text))


def sentence_features(hits: list, per_hit: list[list[Sentence]], ctx: SentenceContext):
    """One feature row per candidate sentence of the given hits (SENTENCE_FEATURES order)."""
    import numpy as np

    from assistant.qtype import direct_answer, leans_back, states

    total = sum(ctx.weights.values()) or 1.0
    sims_all = []
    for hit, sentences in zip(hits, per_hit):
        rows = (ctx.rows or {}).get(hit.chunk.chunk_id, {})
        sims_all.append([ctx.similarity(rows.get((s.start, s.end))) for s in sentences])
    top_all = max((x for sims in sims_all for x in sims), default=0.0)
    out = []
    for rank, (hit, sentences, sims) in enumerate(zip(hits, per_hit, sims_all)):
        top = max(sims, default=0.0)
        lows = [w[2] for w in hit.windows]
        lo, hi = (min(lows), max(lows)) if lows else (0.0, 0.0)
        for s, sim in zip(sentences, sims):
            toks = token_set(s.text)
            found = sum(w for t, w in ctx.weights.items() if t in toks)
            wins = [x for a, b, x in hit.windows if a < s.end and s.start < b]
            kinds = states(s.text)
            out.append([
                sim, top - sim, top_all - sim, (max(wins) - lo) / (hi - lo) if wins and hi > lo else 0.0,
                found / math.sqrt(max(len(toks), 4)), found / total, float(bool(ctx.types & kinds)),
                float(bool(ctx.types)), float("number" in kinds), float(s.position == 0), math.log1p(s.position),
                float("yesno" in ctx.types and direct_answer(s.text)), float(leans_back(s.text)),
                float(s.text.rstrip().endswith(":")), math.log1p(count_words(s.text)), float(rank),
                float(hit.score), float(hit.chunk.role == "qa"),
                (ctx.asked or {}).get((hit.chunk.chunk_id, s.start), 0.0),
            ])
    return np.asarray(out, dtype=np.float32).reshape(-1, len(SENTENCE_FEATURES))
