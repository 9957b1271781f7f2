"""What the training scripts share: the dev split, grouped folds, the logistic fit and its JSON form.

scikit-learn is needed only to fit (the `eval` extra); answering reads the JSON with numpy.
"""
from __future__ import annotations

import json
import time
from pathlib import Path

import numpy as np

OUT = Path(__file__).resolve().parent


def dev_items():
    """The dev split only, and its file hash (recorded with every fitted model)."""
    from eval.golden import GOLDEN, file_hash, load_golden

    items = load_golden(GOLDEN)
    assert all(i.split == "dev" for i in items), "the dev file holds a non-dev item"
    return items, file_hash(GOLDEN)


def grouped_folds(groups: np.ndarray, k: int = 5):
    """(train, held-out) index arrays of k folds that keep each group (question) together."""
    from sklearn.model_selection import GroupKFold

    yield from GroupKFold(n_splits=k).split(np.zeros(len(groups)), groups=groups)


def fit_logistic(x: np.ndarray, y: np.ndarray, c: float):
    """A standardised, class-balanced logistic regression; mean_/scale_ kept on the model."""
    from sklearn.linear_model import LogisticRegression

    mean, scale = x.mean(axis=0), x.std(axis=0)
    scale = np.where(scale < 1e-6, 1.0, scale)
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=2000)
    model.fit((x - mean) / scale, y)
    model.mean_, model.scale_ = mean, scale
    return model


def spec_of(model, features: list[str], c: float, what: str, dev_hash: str, groups: int, cv: dict,
            **extra) -> dict:
    """The JSON form assistant/rank.LinearModel reads, with how it was fitted."""
    return {
        "what": what, "features": list(features), "mean": model.mean_.tolist(), "scale": model.scale_.tolist(),
        "coef": model.coef_[0].tolist(), "intercept": float(model.intercept_[0]), "C": c,
        "fitted_on": {"split": "dev", "file": "eval/golden.jsonl", "sha256": dev_hash, "questions": groups,
                      "date": time.strftime("%Y-%m-%d")},
        "cross_validation": cv, **extra,
    }


def write_spec(path: Path, spec: dict) -> None:
    """Write a fitted model as JSON."""
    path.write_text(json.dumps(spec, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


# Boosted-tree settings the training scripts compare: learning rate, trees, leaves per tree (a fourth
# number, bags, is tried by assistant/fitted/choose.py for answerability).
TREES = [(0.05, 200, 8), (0.1, 100, 8)]


def fit_trees(x: np.ndarray, y: np.ndarray, learning_rate: float, iterations: int, leaves: int, bags: int = 1):
    """Boosted trees (scikit-learn's HistGradientBoostingClassifier) on the raw feature rows; with bags > 1
    the mean of that many fits on bootstrap samples of the rows (less sensitive to a few changed rows)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    def fit(rows):
        return HistGradientBoostingClassifier(learning_rate=learning_rate, max_iter=iterations, max_leaf_nodes=leaves,
                                              l2_regularization=1.0, early_stopping=False,
                                              random_state=0).fit(x[rows], y[rows])

    if bags <= 1:
        return fit(np.arange(len(y)))
    rng = np.random.default_rng(0)
    return Bagged([fit(rng.integers(0, len(y), len(y))) for _ in range(bags)])


class Bagged:
    """The mean log-odds of several boosted-tree fits: itself a sum of trees (each scaled by 1/bags)."""

    def __init__(self, models: list) -> None:
        self.models = models

    def decision_function(self, x: np.ndarray) -> np.ndarray:
        return np.mean([m.decision_function(x) for m in self.models], axis=0)

    def predict_proba(self, x: np.ndarray) -> np.ndarray:
        p = 1.0 / (1.0 + np.exp(-self.decision_function(x)))
        return np.column_stack([1.0 - p, p])


def oof_logistic(x: np.ndarray, y: np.ndarray, groups: np.ndarray, c: float) -> np.ndarray:
    """Out-of-fold probabilities of fit_logistic, by grouped folds."""
    oof = np.zeros(len(y))
    for train, held in grouped_folds(groups):
        model = fit_logistic(x[train], y[train], c)
        oof[held] = model.predict_proba((x[held] - model.mean_) / model.scale_)[:, 1]
    return oof


def oof_trees(x: np.ndarray, y: np.ndarray, groups: np.ndarray, params: tuple) -> np.ndarray:
    """Out-of-fold probabilities of fit_trees, by grouped folds."""
    oof = np.zeros(len(y))
    for train, held in grouped_folds(groups):
        oof[held] = fit_trees(x[train], y[train], *params).predict_proba(x[held])[:, 1]
    return oof


def add_trees(spec: dict, x: np.ndarray, y: np.ndarray, params: tuple, weight: float) -> dict:
    """Fit trees on all rows and store them in a logistic model's spec (assistant/rank.BlendedModel:
    probability = (1 - weight) * logistic + weight * trees)."""
    spec["trees"] = trees_spec(fit_trees(x, y, *params), x)
    spec["trees"]["weight"] = weight
    return spec


def trees_spec(model, x: np.ndarray) -> dict:
    """The JSON form assistant/rank.TreeEnsemble reads; checked to reproduce scikit-learn's scores on x."""
    from assistant.rank import TreeEnsemble

    models = model.models if isinstance(model, Bagged) else [model]
    trees = []
    for one in models:
        for (predictor,) in one._predictors:  # one tree per iteration for a binary target
            nodes = predictor.nodes
            trees.append({
                "feature": nodes["feature_idx"].tolist(), "threshold": nodes["num_threshold"].tolist(),
                "nan_left": nodes["missing_go_to_left"].astype(bool).tolist(),
                "left": [int(l) if not leaf else -1 for l, leaf in zip(nodes["left"], nodes["is_leaf"])],
                "right": nodes["right"].tolist(), "value": (nodes["value"] / len(models)).tolist(),
            })
    baseline = float(np.mean([np.ravel(m._baseline_prediction)[0] for m in models]))
    spec = {"baseline": baseline, "trees": trees,
            "params": {k: models[0].get_params()[k] for k in ("learning_rate", "max_iter", "max_leaf_nodes",
                                                              "l2_regularization")}}
    if len(models) > 1:
        spec["params"]["bags"] = len(models)
    ours = TreeEnsemble(spec).logits(x)
    theirs = model.decision_function(x)
    if not np.allclose(ours, theirs, atol=1e-6):
        raise ValueError(f"exported trees differ from scikit-learn's (max {np.abs(ours - theirs).max():.2e})")
    return spec


def oof_blend(x: np.ndarray, y: np.ndarray, groups: np.ndarray, config: dict) -> np.ndarray:
    """Out-of-fold probabilities of a configuration (see config_of) as assistant/rank.BlendedModel mixes
    it: (1 - weight) * logistic + weight * trees (no trees or weight 0: the logistic model alone)."""
    c, weight = config["C"], config["weight"]
    if not config["trees"] or weight <= 0:
        return oof_logistic(x, y, groups, c)
    trees = oof_trees(x, y, groups, tuple(config["trees"]))
    return trees if weight >= 1 else (1 - weight) * oof_logistic(x, y, groups, c) + weight * trees


def config_of(spec: dict) -> dict:
    """A fitted model's configuration {"C", "trees": [learning rate, trees, leaves] or None, "weight"},
    the form assistant/fitted/choice.json holds."""
    if "trees" not in spec:
        return {"C": spec["C"], "trees": None, "weight": 0.0}
    p = spec["trees"]["params"]
    trees = [p["learning_rate"], p["max_iter"], p["max_leaf_nodes"]] + ([p["bags"]] if p.get("bags", 1) > 1 else [])
    return {"C": spec["C"], "trees": trees, "weight": spec["trees"]["weight"]}


def blend_config(c: float, trees: tuple | None = None) -> dict:
    """The configuration of the logistic model alone, or of its even blend with trees of these settings."""
    return {"C": c, "trees": list(trees) if trees else None, "weight": 0.5 if trees else 0.0}


def fit_config(x: np.ndarray, y: np.ndarray, config: dict, features: list[str], what: str, dev_hash: str,
               groups: int, cv: dict, **extra) -> dict:
    """The spec of a configuration fitted on these rows: the logistic model, with its trees if it has them."""
    spec = spec_of(fit_logistic(x, y, config["C"]), features, config["C"], what, dev_hash, groups, cv, **extra)
    if config["trees"]:
        add_trees(spec, x, y, tuple(config["trees"]), config["weight"])
    return spec


CHOICE = OUT / "choice.json"  # written by assistant/fitted/choose.py


def chosen_config(stage: str) -> dict | None:
    """The configuration {"C", "trees": [learning rate, trees, leaves] or None, "weight"} that
    assistant/fitted/choose.py picked for a stage ("sentences", "answerability") by cross-fitting the
    whole assistant on dev; None before it has run."""
    if not CHOICE.exists():
        return None
    return json.loads(CHOICE.read_text(encoding="utf-8"))["chosen"].get(stage)


def config_name(config: dict) -> str:
    """A configuration as the training scripts name it ("logistic C=0.03 + trees (0.05, 200, 8)")."""
    trees = f" + trees {tuple(config['trees'])}" if config.get("trees") else ""
    if config.get("trees") and config["weight"] >= 1:
        return f"trees {tuple(config['trees'])}"
    return f"logistic C={config['C']}{trees}"
