"""Describe candidate passages for a question as numbers a fitted ranker can weigh.

Staleness is not a feature: outdated sources (all regional ones here) were learned as *more*
relevant through their correlation with scope; the fixed penalty in the fused score keeps them
yielding to newer sources instead (see RetrievalWeights.stale).

One row per candidate; the names in FEATURES are the columns, in order. Everything here is cheap
(numpy over a few dozen candidates) because it runs on every question.
"""
from __future__ import annotations

import math
import re
from dataclasses import dataclass, field

import numpy as np

from inburgering.models import Chunk
from assistant.qtype import states
from ingest.text import fold, tokens

_FIGURE = re.compile(r"\b\d{1,3}(?:\.\d{3})+\b|\b\d+\b")

FEATURES = [
    "dense_best", "dense_gap", "dense_passage", "bm25", "bm25_gap", "fused", "dense_rank", "bm25_rank",
    "question_overlap", "heading_overlap", "body_overlap", "glossary_overlap",
    "role_qa", "role_body", "role_intro", "role_preamble", "role_table", "role_title",
    "log_words", "scope_match", "regional_unasked", "other_region", "neighbours",
    "sentence_best", "sentence_gap", "title_sim", "title_gap", "type_match", "number_match",
    "slot_match", "slot_conflict", "asked_vote", "asked_first", "asked_near",
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
    states: frozenset[str]  # the kinds of fact the passage states (an amount, a duration, a date …)
    numbers: frozenset[str]  # the figures it names, thousands separators dropped ("1.600" -> "1600")
    slots: dict[str, frozenset[str]]  # what its Q&A question line or heading is about (see SLOTS)


def profile(chunk: Chunk, glossary, first_of_document: bool) -> ChunkProfile:
    """The per-chunk side of the features."""
    body = tokens(chunk.text)
    terms = frozenset(glossary.terms_in(chunk.text + " " + (chunk.question or ""))) if glossary else frozenset()
    title = first_of_document and chunk.role != "qa" and len(body) < 80
    return ChunkProfile(frozenset(tokens(chunk.question or "")), frozenset(tokens(chunk.section)), frozenset(body),
                        terms, chunk.role, title, len(chunk.text.split()), chunk.section.split(" > ")[0],
                        states(chunk.text), figures(chunk.text + " " + (chunk.question or "")),
                        slots_of(chunk.question or chunk.section))


# The things a klantmanager's question is specifically about, and that sibling Q&A entries differ in:
# the route, the target group, the part of the programme. "online les in de B1-route" must not be
# answered by the entry on online lessons in the Z-route; a passage's own question line or heading
# says what it is about (its body mentions every route in passing).
SLOTS = {
    "route": {"b1": r"\bb1[- ]?route|\bin de b1\b", "z": r"\bz[- ]?route", "onderwijs": r"\bonderwijs ?route"},
    "group": {"gezin": r"\bgezins ?(migrant|vormer|hereniger|migratie)|\boverige migrant",
              "asiel": r"\basiel|\bstatus ?houder|\bstatush\b|\bvergunninghouder",
              "amv": r"\bamv|alleenstaande minderjarige"},
    "part": {"knm": r"\bknm\b|kennis van de nederlandse maatschappij", "map": r"\bmap\b|module arbeidsmarkt",
             "pvt": r"\bpvt\b|participatieverklaring", "examen": r"\bexamen", "leerbaarheid": r"leerbaarheid",
             "kot": r"\bkot\b|kinderopvang", "ontzorgen": r"ontzorg", "boete": r"\bboete"},
}
_SLOT_RES = {slot: {v: re.compile(rx) for v, rx in values.items()} for slot, values in SLOTS.items()}


def slots_of(text: str) -> dict[str, frozenset[str]]:
    """Per slot the values a text names ({"route": {"z"}} for "… binnen de Z-route?")."""
    t = fold(text)
    found = {slot: frozenset(v for v, rx in values.items() if rx.search(t)) for slot, values in _SLOT_RES.items()}
    return {slot: values for slot, values in found.items() if values}


def slot_agreement(asked: dict[str, frozenset[str]], about: dict[str, frozenset[str]]) -> tuple[float, float]:
    """Share of the question's slots the passage is about too, and share it is about something else in."""
    if not asked:
        return 0.0, 0.0
    match = sum(1 for slot, v in asked.items() if v & about.get(slot, frozenset()))
    conflict = sum(1 for slot, v in asked.items() if about.get(slot) and not v & about[slot])
    return match / len(asked), conflict / len(asked)


def figures(text: str) -> frozenset[str]:
    """The numbers a text names ("1.600 uur", "17 jaar", "2024"), thousands separators dropped."""
    return frozenset(m.group(0).replace(".", "") for m in _FIGURE.finditer(text))


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
    types: frozenset[str] = frozenset()  # the kinds of fact asked (assistant.qtype.asked_types)
    numbers: frozenset[str] = frozenset()  # the figures the question names (an age, hours, a year)
    slots: dict[str, frozenset[str]] = field(default_factory=dict)  # route, group, part it names


def overlap(weights: dict[str, float], found: frozenset[str]) -> float:
    """idf-weighted share of the question's tokens present in a token set."""
    total = sum(weights.values())
    return sum(w for t, w in weights.items() if t in found) / total if total else 0.0


def candidate_features(cands: np.ndarray, chunks: list[Chunk], profs: list[ChunkProfile], query: QueryView,
                       dense: np.ndarray, dense_passage: np.ndarray, bm25: np.ndarray, fused: np.ndarray,
                       stale: np.ndarray, sentence: np.ndarray, title: np.ndarray,
                       asked: tuple[np.ndarray, np.ndarray] | None = None, asked_near: float = 0.0) -> np.ndarray:
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
    vote, first = asked if asked is not None else (np.zeros(len(cands)), np.zeros(len(cands)))
    rows = []
    for n, i in enumerate(cands):
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
            # Sibling entries of one theme share the words; the one that answers states the kind of
            # fact asked (a duration for "hoe lang") and the figures the question names (its "800 uur").
            len(query.types & p.states) / len(query.types) if query.types else 0.0,
            len(query.numbers & p.numbers) / len(query.numbers) if query.numbers else 0.0,
            *slot_agreement(query.slots, p.slots),
            # A passage that answered an earlier question much like this one (assistant/neighbours.py).
            # How close the nearest earlier question is: a far one's vote says little.
            vote[n], first[n], asked_near,
        ])
    return np.asarray(rows, dtype=np.float32).reshape(len(cands), len(FEATURES))
