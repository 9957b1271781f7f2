"""Per-item metrics: passage relevance and ranks, nDCG, must_contain, refusal counts, percentiles."""
from __future__ import annotations

import math
import re

from eval.golden import norm

_MARKER = re.compile(r"\[(\d+)\]")


def evidence_ranks(texts: list[str], evidences: list[str]) -> list[int | None]:
    """Per evidence string, the 1-based rank of the first passage containing it (None: absent)."""
    normalised = [norm(t) for t in texts]
    ranks: list[int | None] = []
    for ev in evidences:
        ranks.append(next((i + 1 for i, t in enumerate(normalised) if ev in t), None))
    return ranks


def first_relevant(ranks: list[int | None]) -> int | None:
    """Rank of the first passage holding any evidence."""
    found = [r for r in ranks if r is not None]
    return min(found) if found else None


def hit_at(rank: int | None, k: int) -> float:
    """1.0 when a relevant passage is in the top k."""
    return 1.0 if rank is not None and rank <= k else 0.0


def mrr_at(rank: int | None, k: int = 10) -> float:
    """Reciprocal rank of the first relevant passage, 0 beyond k."""
    return 1.0 / rank if rank is not None and rank <= k else 0.0


def all_at(ranks: list[int | None], k: int = 5) -> float:
    """1.0 when every evidence string (main and extra) is in the top k."""
    return 1.0 if ranks and all(r is not None and r <= k for r in ranks) else 0.0


def ndcg_at(ranks: list[int | None], k: int = 10) -> float:
    """nDCG@k where each evidence string earns gain once, at the first passage that holds it.

    Passages repeating an evidence already seen earn nothing, so duplicates in the corpus neither
    help nor hurt; the ideal ranking puts one new evidence at each of the first ranks.
    """
    if not ranks:
        return 0.0
    dcg = sum(1.0 / math.log2(r + 1) for r in ranks if r is not None and r <= k)
    ideal = sum(1.0 / math.log2(i + 2) for i in range(min(len(ranks), k)))
    return min(1.0, dcg / ideal)


def missing_facts(answer: str, must_contain: list[str]) -> list[str]:
    """must_contain strings the answer does not state (case-insensitive, whitespace-normalised)."""
    text = norm(answer).lower()
    return [f for f in must_contain if norm(f).lower() not in text]


def unresolved_markers(answer: str, numbers: set[int]) -> list[int]:
    """[n] markers in the answer with no citation n."""
    return sorted({int(m) for m in _MARKER.findall(answer)} - numbers)


def percentile(values: list[float], q: float) -> float | None:
    """The q-th percentile (0-100) by linear interpolation; None for no values."""
    if not values:
        return None
    ordered = sorted(values)
    pos = (len(ordered) - 1) * q / 100.0
    lo, hi = math.floor(pos), math.ceil(pos)
    return ordered[lo] + (ordered[hi] - ordered[lo]) * (pos - lo)


def refusal_scores(expected_refuse: list[bool], refused: list[bool]) -> dict[str, float | None]:
    """Precision and recall of refusing (positive class: expected refuse) and false refusals."""
    tp = sum(e and r for e, r in zip(expected_refuse, refused))
    fp = sum(r and not e for e, r in zip(expected_refuse, refused))
    positives = sum(expected_refuse)
    negatives = len(expected_refuse) - positives
    return {
        "refusal_precision": tp / (tp + fp) if tp + fp else None,
        "refusal_recall": tp / positives if positives else None,
        "false_refusal_rate": fp / negatives if negatives else None,
    }
