"""Fitted models as the runtime reads them: exported boosted trees score exactly as scikit-learn's,
and the shipped answerability model blends them with its logistic part."""
from __future__ import annotations

import json

import numpy as np
import pytest

from assistant.fitted.common import fit_logistic, fit_trees, spec_of, trees_spec
from assistant.rank import FITTED, BlendedModel, LinearModel, TreeEnsemble, load_model


def _data(n=400, seed=3):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 5))
    # An interaction a linear model cannot express, so the trees have real work to do.
    y = ((x[:, 0] > 0) ^ (x[:, 1] > 0.5)) | (x[:, 2] > 1.2)
    return x, y.astype(int)


def test_exported_trees_reproduce_scikit_learn_scores_on_unseen_rows():
    x, y = _data()
    model = fit_trees(x[:300], y[:300], 0.1, 60, 8)
    ensemble = TreeEnsemble(trees_spec(model, x[:300]))
    held = x[300:]
    assert np.allclose(ensemble.logits(held), model.decision_function(held), atol=1e-6)
    # A missing value follows the side scikit-learn sends it to.
    gap = held.copy()
    gap[:, 0] = np.nan
    assert np.allclose(ensemble.logits(gap), model.decision_function(gap), atol=1e-6)


def test_bagged_trees_export_as_one_ensemble_with_their_mean_score():
    from assistant.fitted.common import config_of

    x, y = _data()
    bagged = fit_trees(x[:300], y[:300], 0.1, 40, 8, 3)
    singles = [m.decision_function(x[300:]) for m in bagged.models]
    assert len(singles) == 3 and not np.allclose(singles[0], singles[1])  # bootstrap samples differ
    spec = trees_spec(bagged, x[:300])
    assert len(spec["trees"]) == 3 * 40 and spec["params"]["bags"] == 3
    assert np.allclose(TreeEnsemble(spec).logits(x[300:]), np.mean(singles, axis=0), atol=1e-6)
    # The configuration round-trips, so a refit (assistant/fitted/crossfit.py) bags as the shipped model did.
    logistic = spec_of(fit_logistic(x, y, 1.0), [f"f{i}" for i in range(5)], 1.0, "test", "none", len(y), {})
    logistic["trees"] = dict(spec, weight=0.5)
    assert config_of(logistic) == {"C": 1.0, "trees": [0.1, 40, 8, 3], "weight": 0.5}


def test_a_blend_averages_the_logistic_and_tree_probabilities():
    x, y = _data()
    logistic = fit_logistic(x, y, 1.0)
    spec = spec_of(logistic, [f"f{i}" for i in range(5)], 1.0, "test", "none", len(y), {})
    spec["trees"] = trees_spec(fit_trees(x, y, 0.1, 60, 8), x)
    blend = BlendedModel(spec)
    linear = LinearModel(spec).proba(x)
    trees = 1.0 / (1.0 + np.exp(-blend.ensemble.logits(x)))
    assert np.allclose(blend.proba(x), 0.5 * linear + 0.5 * trees)
    # The interaction is learned: the blend separates the classes better than the linear part alone.
    from sklearn.metrics import roc_auc_score
    assert roc_auc_score(y, blend.proba(x)) > roc_auc_score(y, linear) + 0.05


def test_the_shipped_answerability_model_loads_as_its_file_says():
    spec = json.loads((FITTED / "answerability.json").read_text(encoding="utf-8"))
    model = load_model("answerability")
    assert isinstance(model, BlendedModel) == ("trees" in spec)
    assert spec["chosen"] in spec["cross_validation"]
    row = np.asarray(spec["mean"], dtype=np.float32)[None, :]
    p = float(model.proba(row)[0])
    assert 0.0 < p < 1.0


@pytest.mark.parametrize("bad", [{"baseline": 0.0}, {"baseline": 0.0, "trees": []}])
def test_a_broken_tree_file_is_refused_when_loaded(bad):
    with pytest.raises(KeyError):
        TreeEnsemble(bad)
