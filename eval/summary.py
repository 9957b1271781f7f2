"""Aggregate per-item results into the numbers of the report: overall and per question kind."""
from __future__ import annotations

from collections import defaultdict

from eval.metrics import all_at, hit_at, mrr_at, percentile, refusal_scores
from eval.ragas_metrics import NAMES as RAGAS_NAMES


def mean(values) -> float | None:
    """Mean of the values that are not None; None when there are none."""
    found = [float(v) for v in values if v is not None]
    return sum(found) / len(found) if found else None


def retrieval(in_scope: list) -> dict:
    """Passage hit@1/3/5, MRR@10, nDCG@10, both-sources@5 and reachability over in-scope items."""
    multi = [r for r in in_scope if len(r.evidence_ranks) > 1]
    out = {f"hit@{k}": mean(hit_at(r.rank, k) for r in in_scope) for k in (1, 3, 5)}
    out.update({
        "mrr@10": mean(mrr_at(r.rank, 10) for r in in_scope),
        "ndcg@10": mean((r.ndcg or 0.0) for r in in_scope),
        "both@5": mean(all_at(r.evidence_ranks, 5) for r in multi),
        "n_multi": len(multi),
        "reachable": mean(r.reachable for r in in_scope if r.error is None),
    })
    return out


def answers(results: list, in_scope: list) -> dict:
    """must_contain rate, citation validity and update-date correctness of answering systems."""
    invalid = [r for r in results if r.citation_problems]
    mixed = [r for r in in_scope if r.mixed_scope and r.both_cited is not None]
    return {
        "both_cited": mean(r.both_cited for r in mixed),
        "n_mixed": len(mixed),
        "must_contain": mean((not r.missing and r.error is None) for r in in_scope),
        "citations_valid": mean((not r.citation_problems and r.error is None) for r in results),
        "invalid_citation_answers": len(invalid),
        "update_date_ok": mean(r.update_date_ok for r in in_scope),
        "n_update_date": sum(r.update_date_ok is not None for r in in_scope),
        "ranking_consistent": mean(r.consistent for r in results),
    }


def refusals(results: list, refuses: bool) -> dict:
    """Refusal precision/recall (positive: expected refuse) and the false refusal rate."""
    if not refuses:  # a system without a refusal notion answers everything
        return {"refusal_precision": None, "refusal_recall": 0.0 if any(not r.in_scope for r in results)
                else None, "false_refusal_rate": 0.0, "refused": 0}
    scores = refusal_scores([not r.in_scope for r in results], [r.refused for r in results])
    out_of_scope = [r for r in results if not r.in_scope]
    in_scope = [r for r in results if r.in_scope]
    # "Declined": refused, or shown as the nearest passage with the plain "possibly not an answer" label.
    declined = [r.status in ("refused", "uncertain") or r.refused for r in out_of_scope]
    return {**scores, "refused": sum(r.refused for r in results),
            "declined_rate": mean(declined) if out_of_scope else None,
            "uncertain_rate": mean(r.status == "uncertain" for r in in_scope) if in_scope else None,
            "uncertain": sum(r.status == "uncertain" for r in results)}


def group(results: list, refuses: bool) -> dict:
    """All numbers for one group of items."""
    in_scope = [r for r in results if r.in_scope]
    latencies = [r.latency_ms for r in results if r.error is None]
    out = {"n": len(results), "n_in_scope": len(in_scope), "errors": sum(r.error is not None for r in results)}
    if in_scope:
        out.update(retrieval(in_scope))
    if refuses:
        out.update(answers(results, in_scope))
    out.update(refusals(results, refuses))
    out.update({"latency_p50_ms": percentile(latencies, 50), "latency_p95_ms": percentile(latencies, 95),
                "latency_mean_ms": mean(latencies)})
    for name in RAGAS_NAMES:
        value = mean(r.ragas.get(name) for r in results)
        if value is not None:
            out[name] = value
    return out


def summarise(results: list, refuses: bool) -> dict:
    """Overall numbers and the same per question kind."""
    by_kind: dict[str, list] = defaultdict(list)
    for r in results:
        by_kind[r.kind].append(r)
    by_tag: dict[str, list] = defaultdict(list)
    for r in results:
        for tag in getattr(r, "tags", []) or []:
            by_tag[tag].append(r)
    return {"overall": group(results, refuses),
            "by_kind": {kind: group(rs, refuses) for kind, rs in sorted(by_kind.items())},
            "by_tag": {tag: group(rs, refuses) for tag, rs in sorted(by_tag.items())}}
