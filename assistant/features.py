"""Describe candidate passages for a question as numbers a fitted ranker can weigh.

Staleness is not a feature: outdated sources (all regional ones here) were learned as *more*
relevant through their correlation with scope; the fixed penalty in the fused score keeps them
yielding to newer sources instead (see RetrievalWeights.stale).

One row per candidate; the names in FEATURES are the columns, in order. Everything here is cheap
(numpy over a few dozen candidates) because it runs on every question.
"""
from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from inburgering.models import Chunk
from ingest.text import tokens

FEATURES = [
    "dense_best", "dense_gap", "dense_passage", "bm25", "bm25_gap", "fused", "dense_rank", "bm25_rank",
    "question_overlap", "heading_overlap", "body_overlap", "glossary_overlap",
    "role_qa", "role_body", "role_intro", "role_preamble", "role_table", "role_title",
    "log_words", "scope_match", "regional_unasked", "other_region", "neighbours",
    "sentence_best", "sentence_gap", "title_sim", "title_gap",
]
ROLES = ("qa", "body", "intro", "preamble", "table")


@dataclass
class ChunkProfile:
    """What the features need of one chunk, computed once when the index loads."""

    question: frozenset[str]
    heading: frozenset[str]
    body: frozenset[str]
    glossary: frozenset[str]
    role: str
    title: bool  # a document's title block or first heading-only passage: a container, not content
    words: int
    theme: str


def profile(chunk: Chunk, glossary, first_of_document: bool) -> ChunkProfile:
    """The per-chunk side of the features."""
    body = tokens(chunk.text)
    terms = frozenset(glossary.terms_in(chunk.text + " " + (chunk.question or ""))) if glossary else frozenset()
    title = first_of_document and chunk.role != "qa" and len(body) < 80
    return ChunkProfile(frozenset(tokens(chunk.question or "")), frozenset(tokens(chunk.section)), frozenset(body),
                        terms, chunk.role, title, len(chunk.text.split()), chunk.section.split(" > ")[0])


def profiles(chunks: list[Chunk], glossary) -> list[ChunkProfile]:
    """Profiles of every chunk, marking the first passage of each document version."""
    seen: set[tuple[str, str | None]] = set()
    out = []
    for c in chunks:
        key = (c.document_id, c.version_date)
        out.append(profile(c, glossary, key not in seen))
        seen.add(key)
    return out


@dataclass
class QueryView:
    """The question side: its tokens with weights, its glossary terms and the scope that applies."""

    weights: dict[str, float]
    glossary: frozenset[str]
    scope: str | None


def overlap(weights: dict[str, float], found: frozenset[str]) -> float:
    """idf-weighted share of the question's tokens present in a token set."""
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in found) / total if total else 0.0


def candidate_features(cands: np.ndarray, chunks: list[Chunk], profs: list[ChunkProfile], query: QueryView,
                       dense: np.ndarray, dense_passage: np.ndarray, bm25: np.ndarray, fused: np.ndarray,
                       stale: np.ndarray, sentence: np.ndarray, title: np.ndarray) -> np.ndarray:
    """A (len(cands), len(FEATURES)) matrix for the candidate chunk positions `cands` (fused order)."""
    dense_order = np.argsort(-dense)
    bm25_order = np.argsort(-bm25)
    dense_rank = np.empty_like(dense_order)
    dense_rank[dense_order] = np.arange(len(dense_order))
    bm25_rank = np.empty_like(bm25_order)
    bm25_rank[bm25_order] = np.arange(len(bm25_order))
    top_dense, top_bm25 = float(dense.max()), float(bm25.max()) or 1.0
    top_sentence = float(sentence.max())
    top_title = float(title[cands].max()) if len(cands) else 0.0
    themes = [profs[i].theme for i in cands[:10]]
    rows = []
    for i in cands:
        p, c = profs[i], chunks[i]
        regional = c.scope != "national"
        asked = query.scope not in (None, "national")
        rows.append([
            dense[i], top_dense - dense[i], dense_passage[i], bm25[i] / top_bm25, 1.0 - bm25[i] / top_bm25,
            fused[i], math.log1p(dense_rank[i]), math.log1p(bm25_rank[i]),
            overlap(query.weights, p.question), overlap(query.weights, p.heading), overlap(query.weights, p.body),
            len(query.glossary & p.glossary) / max(1, len(query.glossary)),
            *[float(p.role == r) for r in ROLES], float(p.title),
            math.log1p(p.words), float(asked and c.scope == query.scope), float(regional and not asked),
            float(regional and asked and c.scope != query.scope),
            (themes.count(p.theme) - (1 if p.theme in themes else 0)) / 9.0,
            sentence[i], top_sentence - sentence[i], title[i], top_title - title[i],
        ])
    return np.asarray(rows, dtype=np.float32).reshape(len(cands), len(FEATURES))
