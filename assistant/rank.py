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


@lru_cache(maxsize=8)
def load_model(name: str) -> LinearModel | None:
    """A fitted model from assistant/fitted/<name>.json, or None when it has not been fitted."""
    path = FITTED / f"{name}.json"
    if not path.exists():
        log.warning("no fitted model %s at %s; falling back to the hand-set rule", name, path)
        return None
    return LinearModel(json.loads(path.read_text(encoding="utf-8")))


def check_features(model: LinearModel, names: list[str]) -> None:
    """Refuse a model fitted on other features than the code computes (a stale fitted file)."""
    if model.features != names:
        raise ValueError(f"fitted model expects features {model.features}, code computes {names}; "
                         "re-run the training script")
