"""Cross-fit the whole assistant on dev: every dev question is answered by a ranker, a sentence scorer
and an answerability model that were fitted without the fold it is in.

    inburgering eval --split dev --crossfit     # the dev row that estimates something

Why: the boosted trees learn dev closely, so the plain dev row of `inburgering eval` is in-sample and
no longer tells one choice from another. Each fold's models repeat the shipped models' configuration
(C, tree settings, blend weight, composer settings) refitted on the other folds; the configurations
are chosen by the training scripts (ranker, composer) and by assistant/fitted/choose.py (sentence
scorer, answerability), which uses these stages. The models are stacked (the sentence scorer reads
the ranker's passages, answerability reads both), so each stage's rows for a question come from the
earlier stages of that question's fold, as a test question meets models that never saw it; the
training scripts stack the shipped models the same way. While a fold is answered, its questions (and
their near-copies) are hidden from the earlier questions (assistant/neighbours.py) too.

Folds keep near-copies together (GroupKFold on their connected groups). The dense/BM25 mix that picks
the candidates is the shipped one (chosen on all of dev; it moves little).
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass, replace

import numpy as np

from assistant.fitted.common import config_of, fit_config, oof_blend
from assistant.rank import BlendedModel, LinearModel

log = logging.getLogger(__name__)
FOLDS = 5


@dataclass
class FoldModels:
    """The three fitted models the assistant answers with."""

    ranker: LinearModel | None
    sentences: LinearModel | None
    answerability: LinearModel | None


@dataclass
class CrossFit:
    """Which fold each dev question is in, and each fold's models."""

    fold: dict[str, int]
    models: list[FoldModels]

    def held(self, k: int) -> list[str]:
        """The ids of fold k's questions."""
        return [q for q, f in self.fold.items() if f == k]


def near_groups(items, near: dict[str, list[str]]) -> np.ndarray:
    """Per item a group number; a question and its near-copies (assistant/neighbours.py) share one."""
    parent = {i.id: i.id for i in items}

    def root(q: str) -> str:
        while parent[q] != q:
            q = parent[q]
        return q

    for a, copies in near.items():
        for b in copies:
            if a in parent and b in parent:
                parent[root(a)] = root(b)
    roots = [root(i.id) for i in items]
    codes = {r: n for n, r in enumerate(dict.fromkeys(roots))}
    return np.asarray([codes[r] for r in roots])


def folds_of(items, near: dict[str, list[str]], k: int = FOLDS) -> dict[str, int]:
    """Item id -> fold; a question and its near-copies share a fold."""
    from sklearn.model_selection import GroupKFold

    folds = GroupKFold(n_splits=k).split(np.zeros(len(items)), groups=near_groups(items, near))
    return {items[j].id: f for f, (_train, held) in enumerate(folds) for j in held}


def refit(spec: dict, x: np.ndarray, y: np.ndarray, config: dict | None = None) -> LinearModel:
    """The shipped model's configuration (or `config`) fitted on other rows, with its composer settings."""
    new = fit_config(x, y, config or config_of(spec), spec["features"], spec["what"], "cross-fit", 0, {},
                     **{k: spec[k] for k in ("compose", "fusion") if k in spec})
    return BlendedModel(new) if "trees" in new else LinearModel(new)


def refit_answerability(spec: dict, x: np.ndarray, y: np.ndarray, groups: np.ndarray,
                        config: dict | None = None) -> LinearModel:
    """refit, with the two thresholds placed on out-of-fold probabilities of these rows (a question and
    its near-copies held out together: `groups`), as train_answerability places them."""
    from assistant.fitted.train_answerability import thresholds

    config = config or config_of(spec)
    model = refit(spec, x, y, config)
    p = oof_blend(x, y, groups, config)
    model.spec["thresholds"] = {k: v for k, v in thresholds(p, y).items() if k != "dev_oof"}
    return model


def _install(assistant, models: FoldModels) -> FoldModels:
    """Let the assistant answer with these models (its memos emptied); the models it had before."""
    r = assistant.retriever
    before = FoldModels(r.ranker, assistant.sentence_model, assistant.answerability)
    r.ranker, assistant.sentence_model, assistant.answerability = models.ranker, models.sentences, models.answerability
    r.forget()
    return before


@contextmanager
def using(assistant, models: FoldModels, held: list[str]):
    """Answer with these models while `held` is hidden from the earlier questions; restore after."""
    from assistant.neighbours import hidden

    before = _install(assistant, models)
    try:
        with hidden(assistant.retriever.neighbours, held):
            yield
    finally:
        _install(assistant, before)


def stage_rows(assistant, items, fit: CrossFit, models, row):
    """row(assistant, item) -> (features, labels) or None, for every item, each answered by its own
    fold's models (`models(k)`). Stacked: features, labels, the fold and the item's index of each row."""
    xs, ys, folds, groups = [], [], [], []
    for k in range(len(fit.models)):
        with using(assistant, models(k), fit.held(k)):
            for g, item in enumerate(items):
                found = row(assistant, item) if fit.fold[item.id] == k else None
                if found is not None:
                    xs.append(found[0])
                    ys.append(np.asarray(found[1]).reshape(-1))
                    folds.append(np.full(len(ys[-1]), k))
                    groups.append(np.full(len(ys[-1]), g))
    return np.vstack(xs), np.concatenate(ys).astype(int), np.concatenate(folds), np.concatenate(groups)


def crossfit(assistant, items, k: int = FOLDS) -> CrossFit:
    """Fit each fold's ranker, sentence scorer and answerability model on the other folds."""
    return fit_answerability(assistant, items, fit_sentences(assistant, items, fit_rankers(assistant, items, k)))


def fit_rankers(assistant, items, k: int = FOLDS) -> CrossFit:
    """Each fold's ranker (the other models left empty)."""
    from assistant.fitted import train_ranker

    r = assistant.retriever
    folds = folds_of(items, _near(assistant), k)
    in_scope = [i for i in items if i.in_scope]
    # Ranker rows do not depend on any fitted model: computed once, each question hidden from itself.
    x, y, groups, _ = train_ranker.rows(r, in_scope)
    fold = np.asarray([folds[in_scope[g].id] for g in groups])
    log.info("cross-fit: fitting %d rankers", k)
    return CrossFit(folds, [FoldModels(refit(r.ranker.spec, x[fold != f], y[fold != f]), None, None)
                            for f in range(k)])


def sentence_rows(assistant, items, fit: CrossFit):
    """The sentence scorer's rows of every answerable item, its passages ranked by its fold's ranker."""
    from assistant.fitted import train_sentences

    return stage_rows(assistant, [i for i in items if i.in_scope], fit,
                      lambda f: FoldModels(fit.models[f].ranker, None, None), train_sentences.labelled)


def fit_sentences(assistant, items, fit: CrossFit) -> CrossFit:
    """Each fold's sentence scorer, next to its ranker."""
    x, y, fold, _ = sentence_rows(assistant, items, fit)
    spec = assistant.sentence_model.spec
    models = [replace(m, sentences=refit(spec, x[fold != f], y[fold != f])) for f, m in enumerate(fit.models)]
    log.info("cross-fit: %d sentence scorers fitted", len(models))
    return CrossFit(fit.fold, models)


def answerability_rows(assistant, items, fit: CrossFit):
    """The answerability rows of every item, from its fold's ranker and sentence scorer (the composer's
    current settings decide the answers those rows describe): features, labels, folds, and near-copy
    groups (the thresholds are placed holding a question out with its near-copies, as a new one is)."""
    from assistant.fitted import train_answerability

    def answer_row(a, item):
        found = train_answerability.row(a, item)
        return None if found is None else (found.reshape(1, -1), [int(item.in_scope)])

    x, y, fold, index = stage_rows(assistant, items, fit, lambda f: replace(fit.models[f], answerability=None),
                                   answer_row)
    return x, y, fold, near_groups(items, _near(assistant))[index]


def _near(assistant) -> dict[str, list[str]]:
    """The near-copies among the earlier (dev) questions; none without them."""
    neighbours = assistant.retriever.neighbours
    return neighbours.near if neighbours else {}


def fit_answerability(assistant, items, fit: CrossFit) -> CrossFit:
    """Each fold's answerability model, next to its ranker and sentence scorer."""
    x, y, fold, groups = answerability_rows(assistant, items, fit)
    spec = assistant.answerability.spec
    models = [replace(m, answerability=refit_answerability(spec, x[fold != f], y[fold != f], groups[fold != f]))
              for f, m in enumerate(fit.models)]
    log.info("cross-fit: %d answerability models fitted", len(models))
    return CrossFit(fit.fold, models)
