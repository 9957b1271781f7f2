"""Re-rank candidate passages with a model fitted on the dev split (assistant/fitted/train_ranker.py).

The model is a standardised logistic regression, optionally blended with boosted trees exported
from scikit-learn, stored as plain numbers in JSON, so scoring needs numpy only; the training
script, the split it used and its cross-validated scores sit beside it. The sentence and
answerability models load the same way.
"""
from __future__ import annotations

import json
import logging
from functools import lru_cache
from pathlib import Path

import numpy as np

log = logging.getLogger(__name__)
FITTED = Path(__file__).resolve().parent / "fitted"


class LinearModel:
    """P(relevant | features) = sigmoid(((x - mean) / scale) . coef + intercept)."""

    def __init__(self, spec: dict) -> None:
        self.features: list[str] = spec["features"]
        self.mean = np.asarray(spec["mean"], dtype=np.float32)
        self.scale = np.asarray(spec["scale"], dtype=np.float32)
        self.coef = np.asarray(spec["coef"], dtype=np.float32)
        self.intercept = float(spec["intercept"])
        self.spec = spec

    def logits(self, x: np.ndarray) -> np.ndarray:
        """Raw scores (higher: more likely relevant)."""
        return ((x - self.mean) / self.scale) @ self.coef + self.intercept

    def proba(self, x: np.ndarray) -> np.ndarray:
        """Probabilities."""
        return 1.0 / (1.0 + np.exp(-self.logits(x)))


class TreeEnsemble:
    """Boosted regression trees exported from scikit-learn's HistGradientBoostingClassifier.

    logit = baseline + the value of the leaf each tree sends the row to. All trees are walked at
    once, one level per step, on flat numpy arrays (a leaf points to itself), so forty sentences
    through two hundred trees cost about a millisecond.
    """

    def __init__(self, spec: dict) -> None:
        self.baseline = float(spec["baseline"])
        feature, threshold, nan_left, left, right, value, roots = [], [], [], [], [], [], []
        depth = 0
        for t in spec["trees"]:
            base = len(feature)
            roots.append(base)
            for i, l in enumerate(t["left"]):
                leaf = l < 0
                feature.append(0 if leaf else t["feature"][i])
                threshold.append(0.0 if leaf else t["threshold"][i])
                nan_left.append(bool(t["nan_left"][i]))
                left.append(base + i if leaf else base + l)
                right.append(base + i if leaf else base + t["right"][i])
                value.append(t["value"][i])
            depth = max(depth, _depth(t["left"], t["right"]))
        if not roots:
            raise KeyError("trees: an ensemble needs at least one tree")
        self.feature, self.threshold = np.asarray(feature), np.asarray(threshold)
        self.nan_left, self.left, self.right = np.asarray(nan_left), np.asarray(left), np.asarray(right)
        self.value, self.roots, self.depth = np.asarray(value), np.asarray(roots), depth

    def logits(self, x: np.ndarray) -> np.ndarray:
        """Raw scores of every row."""
        x = np.asarray(x, dtype=np.float64)
        node = np.broadcast_to(self.roots, (len(x), len(self.roots)))
        rows = np.arange(len(x))[:, None]
        for _ in range(self.depth):
            v = x[rows, self.feature[node]]
            go_left = np.where(np.isnan(v), self.nan_left[node], v <= self.threshold[node])
            node = np.where(go_left, self.left[node], self.right[node])
        return self.baseline + self.value[node].sum(axis=1)


def _depth(left: list[int], right: list[int]) -> int:
    """Levels below the root of one exported tree (-1 in `left` marks a leaf)."""
    deepest, stack = 0, [(0, 0)]
    while stack:
        node, d = stack.pop()
        if left[node] < 0:
            deepest = max(deepest, d)
        else:
            stack += [(left[node], d + 1), (right[node], d + 1)]
    return deepest


class BlendedModel(LinearModel):
    """A weighted mean of the logistic model's probability and a tree ensemble's, fitted on the same rows
    (weight 1: the trees alone; the training script chooses it by cross-validation).

    The trees see interactions a linear model cannot (a high passage score matters less when the
    asked figure is missing); the logistic part keeps the blend smooth where the trees are flat.
    """

    def __init__(self, spec: dict) -> None:
        super().__init__(spec)
        self.ensemble = TreeEnsemble(spec["trees"])
        self.weight = float(spec["trees"].get("weight", 0.5))

    def proba(self, x: np.ndarray) -> np.ndarray:
        """Blended probabilities."""
        trees = 1.0 / (1.0 + np.exp(-self.ensemble.logits(x)))
        if self.weight >= 1.0:
            return trees
        return (1.0 - self.weight) * super().proba(x) + self.weight * trees


@lru_cache(maxsize=8)
def load_model(name: str) -> LinearModel | None:
    """A fitted model from assistant/fitted/<name>.json, or None when it has not been fitted."""
    path = FITTED / f"{name}.json"
    if not path.exists():
        log.warning("no fitted model %s at %s; falling back to the hand-set rule", name, path)
        return None
    spec = json.loads(path.read_text(encoding="utf-8"))
    return BlendedModel(spec) if "trees" in spec else LinearModel(spec)


def check_features(model: LinearModel, names: list[str]) -> None:
    """Refuse a model fitted on other features than the code computes (a stale fitted file)."""
    if model.features != names:
        raise ValueError(f"fitted model expects features {model.features}, code computes {names}; "
                         "re-run the training script")
