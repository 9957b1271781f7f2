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
