"""Re-rank candidate passages with a model fitted on the dev split (assistant/fitted/train_ranker.py).

The model is a standardised logistic regression stored as plain numbers in JSON, so ranking needs
numpy only; the training script, the split it used and its cross-validated scores sit beside it.
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

    logit = baseline + the value of the leaf each tree sends the row to. Walked in plain Python:
    one question's row through a few hundred shallow trees takes well under a millisecond.
    """

    def __init__(self, spec: dict) -> None:
        self.baseline = float(spec["baseline"])
        self.trees = [(t["feature"], t["threshold"], t["nan_left"], t["left"], t["right"], t["value"])
                      for t in spec["trees"]]

    def logit(self, row: list[float]) -> float:
        """The raw score of one feature row."""
        total = self.baseline
        for feature, threshold, nan_left, left, right, value in self.trees:
            node = 0
            while left[node] >= 0:  # -1 marks a leaf
                v = row[feature[node]]
                go_left = nan_left[node] if v != v else v <= threshold[node]
                node = left[node] if go_left else right[node]
            total += value[node]
        return total

    def logits(self, x: np.ndarray) -> np.ndarray:
        """Raw scores of every row."""
        return np.asarray([self.logit(row) for row in np.asarray(x, dtype=np.float64).tolist()])


class BlendedModel(LinearModel):
    """The mean of the logistic model's probability and a tree ensemble's, both fitted on the same rows.

    The trees see interactions a linear model cannot (a high passage score matters less when the
    asked figure is missing); the logistic part keeps the blend smooth where the trees are flat.
    """

    def __init__(self, spec: dict) -> None:
        super().__init__(spec)
        self.ensemble = TreeEnsemble(spec["trees"])

    def proba(self, x: np.ndarray) -> np.ndarray:
        """Blended probabilities."""
        trees = 1.0 / (1.0 + np.exp(-self.ensemble.logits(x)))
        return 0.5 * super().proba(x) + 0.5 * trees


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
