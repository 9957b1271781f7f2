"""Fit the passage ranker on the dev split and write assistant/fitted/ranker.json.

    python -m assistant.fitted.train_ranker            # needs a built index (inburgering ingest)

Only eval/golden.jsonl (dev) is read; the test split is never touched here. Each in-scope dev
question gives the CANDIDATES passages the fused score picks, labelled relevant when they hold the
evidence. Grouped 5-fold cross-validation (a question's candidates stay in one fold) compares the
hand-set fusion with the logistic model, boosted trees alone and blended with it (and LightGBM
lambdarank, for comparison, when it is installed); the best of the shippable ones by MRR@10 is then
fitted on all of dev and written with its CV scores and the dev file's hash.
"""
from __future__ import annotations

import json
import logging
import sys
import time
from dataclasses import replace

import numpy as np

from assistant.fitted.common import (OUT, TREES, add_trees, dev_items, fit_logistic, grouped_folds, oof_logistic,
                                     oof_trees, spec_of, write_spec)

log = logging.getLogger(__name__)


def candidates(retriever, items):
    """Per in-scope item: its query and scope, the CANDIDATES chunk positions the fused score picks,
    their labels (holds the evidence) and the dense, BM25 and fused scores they were picked with."""
    from assistant.filters import AsOfFilter
    from assistant.neighbours import hidden
    from assistant.retrieve import CANDIDATES
    from assistant.service import plan
    from eval.golden import norm

    for item in items:
        if not item.in_scope:
            continue
        # Not its own (or a near-copy's) earlier answer, also while the caller computes the features.
        with hidden(retriever.neighbours, item.id):
            query, scope = plan(item.question, item.history, item.scope)
            dense, _ = retriever.dense_scores(query)
            bm25 = retriever.data.keywords.scores(retriever.prepare(query))
            fused = retriever.fused(dense, bm25, scope)
            allowed = AsOfFilter(item.as_of, scope)
            cands = np.asarray([i for i in np.argsort(-fused) if allowed(retriever.data.chunks[i])][:CANDIDATES])
            labels = [any(ev in norm(retriever.data.chunks[i].text) for ev in item.evidences) for i in cands]
            yield query, scope, cands, labels, dense, bm25, fused


def rows(retriever, items) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Features, labels, question groups and fused scores of every candidate of every in-scope item."""
    xs, ys, groups, fused_all = [], [], [], []
    for g, (query, scope, cands, labels, dense, bm25, fused) in enumerate(candidates(retriever, items)):
        xs.append(retriever.features(query, cands, dense, bm25, fused, scope))
        ys.append(labels)
        groups.append(np.full(len(cands), g))
        fused_all.append(fused[cands])
    return (np.vstack(xs), np.concatenate(ys).astype(int), np.concatenate(groups), np.concatenate(fused_all))


def choose_fusion(retriever, items) -> dict:
    """The dense/BM25 mix that picks the candidates: most dev questions with a relevant passage among
    the CANDIDATES, then the best MRR@10 of the fusion alone."""
    from assistant.retrieve import CANDIDATES

    trials = []
    for dense in (0.3, 0.4, 0.5, 0.6, 0.7, 0.8):
        retriever.weights = replace(retriever.weights, dense=dense, bm25=round(1 - dense, 2))
        # Labels and fused scores only: the features are not needed to judge a mix.
        picked = list(candidates(retriever, items))
        y = np.concatenate([labels for _q, _s, _c, labels, _d, _b, _f in picked]).astype(int)
        groups = np.concatenate([np.full(len(c), g) for g, (_q, _s, c, *_) in enumerate(picked)])
        fused = np.concatenate([f[c] for _q, _s, c, _l, _d, _b, f in picked])
        found = np.mean([y[groups == g].any() for g in np.unique(groups)])
        trials.append({"dense": dense, "bm25": round(1 - dense, 2), f"recall@{CANDIDATES}": float(found),
                       **ranking_scores(fused, y, groups)})
        print(json.dumps(trials[-1]), file=sys.stderr)
    best = max(trials, key=lambda t: (round(t[f"recall@{CANDIDATES}"], 3), t["mrr@10"]))
    return {"dense": best["dense"], "bm25": best["bm25"], "trials": trials}


def ranking_scores(scores: np.ndarray, y: np.ndarray, groups: np.ndarray) -> dict:
    """hit@1, hit@5 and MRR@10 of ordering each group by `scores` (a group without a relevant
    candidate counts as a miss, as it does in the evaluation)."""
    hit1, hit5, mrr = [], [], []
    for g in np.unique(groups):
        m = groups == g
        order = np.argsort(-scores[m], kind="stable")
        rel = np.flatnonzero(y[m][order])
        rank = int(rel[0]) + 1 if rel.size else None
        hit1.append(rank == 1)
        hit5.append(rank is not None and rank <= 5)
        mrr.append(1.0 / rank if rank and rank <= 10 else 0.0)
    return {"hit@1": float(np.mean(hit1)), "hit@5": float(np.mean(hit5)), "mrr@10": float(np.mean(mrr)),
            "questions": len(hit1)}


def cross_validate(x, y, groups, fused, c: float) -> dict:
    """Out-of-fold ranking scores of the fusion, the logistic model and (if present) LightGBM."""
    oof = np.zeros(len(y))
    for train, held in grouped_folds(groups):
        model = fit_logistic(x[train], y[train], c)
        oof[held] = model.decision_function((x[held] - model.mean_) / model.scale_)
    return {"fusion alone (dense/BM25 mix chosen above)": ranking_scores(fused, y, groups),
            f"logistic C={c}": ranking_scores(oof, y, groups)}


def lightgbm_scores(x, y, groups) -> dict:
    """LightGBM lambdarank's out-of-fold scores, for comparison, when it is installed."""
    try:
        import lightgbm  # noqa: F401
    except ImportError:
        return {}
    return {"lightgbm lambdarank": ranking_scores(_lgbm_oof(x, y, groups), y, groups)}


def _lgbm_oof(x, y, groups) -> np.ndarray:
    """Out-of-fold LightGBM lambdarank scores (for comparison only)."""
    import lightgbm as lgb

    oof = np.zeros(len(y))
    for train, held in grouped_folds(groups):
        sizes = np.unique(groups[train], return_counts=True)[1]
        model = lgb.LGBMRanker(n_estimators=200, learning_rate=0.05, num_leaves=15, min_child_samples=10,
                               verbose=-1)
        model.fit(x[train], y[train], group=sizes)
        oof[held] = model.predict(x[held])
    return oof


def main() -> None:
    """Build the rows, cross-validate, fit on all of dev and write ranker.json."""
    logging.basicConfig(level=logging.INFO, stream=sys.stderr)
    from assistant.features import FEATURES
    from assistant.loader import load_retriever
    from inburgering.settings import get_settings

    started = time.time()
    # Without the current fitted file: it may have been fitted on other features.
    retriever = load_retriever(get_settings(), ranker=False)
    items, dev_hash = dev_items()
    fusion = choose_fusion(retriever, items)
    retriever.weights = replace(retriever.weights, dense=fusion["dense"], bm25=fusion["bm25"])
    x, y, groups, fused = rows(retriever, items)
    cv = {}
    for c in (0.03, 0.1, 0.3, 1.0):
        cv.update(cross_validate(x, y, groups, fused, c))
    cv.update(lightgbm_scores(x, y, groups))

    def quality(name: str) -> tuple[float, float]:
        return cv[name]["mrr@10"], cv[name]["hit@1"]

    best = max((k for k in cv if k.startswith("logistic")), key=quality)
    c = float(best.split("=")[1])
    # Boosted trees, alone and blended with that logistic model (assistant/rank.BlendedModel).
    logistic, shippable = oof_logistic(x, y, groups, c), {best: None}
    for params in TREES:
        trees = oof_trees(x, y, groups, params)
        for weight, name in ((0.5, f"logistic C={c} + trees {params}"), (1.0, f"trees {params}")):
            cv[name] = ranking_scores((1 - weight) * logistic + weight * trees, y, groups)
            shippable[name] = (params, weight)
    best = max(shippable, key=quality)
    spec = spec_of(fit_logistic(x, y, c), FEATURES, c, "ranker: P(passage holds the evidence | candidate features)",
                   dev_hash, len(np.unique(groups)), cv, fusion=fusion, chosen=best)
    if shippable[best]:
        add_trees(spec, x, y, *shippable[best])
    write_spec(OUT / "ranker.json", spec)
    print(json.dumps(cv, indent=1))
    print(f"chose {best}; wrote {OUT / 'ranker.json'} in {time.time() - started:.0f} s")


if __name__ == "__main__":
    main()
