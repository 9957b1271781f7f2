"""How much a question is like the dev split: its cosine to the nearest dev question the assistant may use.

The assistant's neighbour features (assistant/neighbours.py) let the nearest earlier dev questions vote
on whether a question is answerable and on which passage and sentence hold the answer. A question
much like a dev question is answered better than one unlike any (cross-fitted dev, fifteenth
session's code: key facts 0.81 for the nearest third, 0.63 for the farthest), and about half the
questions typed in the chat checks are unlike dev. So the report shows every figure per band as
well: the "unlike-dev" row says most about fresh questions.

A dev question is compared without itself and its near-copies, which the assistant hides from it too.
The bands are fixed (not thirds of each run) so that runs can be compared; they are about the thirds
of cross-fitted dev.
"""
from __future__ import annotations

import numpy as np

BANDS = ((0.93, "unlike-dev"), (0.955, "like-dev"), (float("inf"), "near-dev"))


def band(similarity: float) -> str:
    """The band's tag of one similarity."""
    return next(name for upper, name in BANDS if similarity < upper)


def nearness(assistant, items) -> dict[str, float]:
    """Per item id, the cosine of its question to the nearest dev question not hidden from it
    (empty without the fitted neighbours)."""
    nb = assistant.retriever.neighbours
    if nb is None or not items:
        return {}
    vectors = np.asarray(assistant.retriever.embedder.embed([i.question for i in items], kind="query"))
    out = {}
    for row, item in zip(vectors @ nb.vectors.T, items):
        if item.split == "dev":
            row[list(nb.rows_of(item.id))] = -np.inf
        best = float(row.max())
        out[item.id] = best if np.isfinite(best) else 0.0
    return out
