"""Decide from the evidence whether to answer, to show the nearest passage as "not certain", or to refuse.

The features describe the best passages and the chosen sentences, not only single words: does the
best passage hold the kind of fact asked (an amount for "hoeveel kost"), how much of the question
it covers, how sure the ranker is and by what margin. A logistic model fitted on the dev split
(assistant/fitted/train_answerability.py) turns them into a probability; two thresholds chosen on
dev cut it into the three outcomes.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np

from assistant.qtype import counted, counts, rate, states
from ingest.text import fold

ANSWERABILITY_FEATURES = [
    "top_p", "margin", "top_dense", "top_sentence", "covered", "unknown_share", "unknown_terms", "missing",
    "asks_type", "type_stated", "type_in_passage", "run_p", "log_words", "glossary_terms", "top_qa",
    "body_overlap", "question_overlap", "amount_missing", "year_missing", "figure_missing", "counted_missing",
    "like_unanswered", "top_asked_vote", "top_asked_first",
]
_YEAR = re.compile(r"\b(19|20)\d\d\b")


@dataclass
class Evidence:
    """What the decision rests on, kept for the log and the tests."""

    features: np.ndarray
    probability: float | None
    status: str  # answer | uncertain | refused


def features(hits, parts, coverage, ctx, judge, query_view, profiles_of, question: str = "",
             like_unanswered: float = 0.0, top_asked: tuple[float, float] = (0.0, 0.0)) -> np.ndarray:
    """One row of ANSWERABILITY_FEATURES for a question, its hits and the composed parts."""
    from assistant.features import overlap

    top = hits[0]
    second = hits[1].score if len(hits) > 1 else 0.0
    run = " ".join(p.quote for p in parts[:1])
    kinds = ctx.types
    sentence_sims = [s.score for p in parts[:1] for s in p.run]
    prof = profiles_of(top)
    strong = [w for w in coverage.unknown if judge._is_term(w)]
    said = " ".join(p.quote for p in parts)
    passage = top.chunk.text
    # A specific figure asked for that the best passage does not give is the commonest way a
    # near-domain question (a fee, a fine, next year's budget) looks answerable word by word.
    years = {m.group(0) for m in _YEAR.finditer(question)}
    year_missing = bool(years) and not any(y in passage for y in years)
    amount_missing = "amount" in kinds and "amount" not in states(said)
    figure_missing = bool(kinds & {"number", "duration", "date"}) and not (kinds & states(said))
    # "hoeveel minuten", "hoeveel werkconsulenten", "welk percentage": a figure of *that*, not just any figure.
    noun, per = counted(question), rate(question)
    counted_missing = (bool(noun) and not counts(said, noun)) or (bool(per) and f"per {per}" not in fold(said))
    return np.asarray([
        top.score, top.score - second, top.dense or 0.0,
        max((ctx.similarity(r) for r in (ctx.rows or {}).get(top.chunk.chunk_id, {}).values()), default=0.0),
        coverage.covered, coverage.unknown_share, float(len(strong)), float(len(coverage.missing)),
        float(bool(kinds)), float(bool(kinds & states(run))), float(bool(kinds & states(top.chunk.text))),
        max(sentence_sims, default=0.0), math.log1p(len(coverage.salient)), float(len(query_view.glossary)),
        float(top.chunk.role == "qa"), overlap(query_view.weights, prof.body), overlap(query_view.weights, prof.question),
        float(amount_missing), float(year_missing), float(figure_missing), float(counted_missing),
        like_unanswered,  # how the nearest earlier (dev) questions turned out (assistant/neighbours.py)
        *top_asked,  # the best passage answered the nearest earlier questions (their vote; the nearest one)
    ], dtype=np.float32).reshape(1, -1)


def decide(model, x: np.ndarray, fallback_verdict: bool) -> Evidence:
    """The outcome for one question; without a fitted model the coverage judge's verdict decides."""
    if model is None:
        return Evidence(x, None, "answer" if fallback_verdict else "refused")
    p = float(model.proba(x)[0])
    t = model.spec["thresholds"]
    status = "refused" if p < t["refuse_below"] else "uncertain" if p < t["uncertain_below"] else "answer"
    return Evidence(x, p, status)
